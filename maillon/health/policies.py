"""Who may read and write children's health records. Small pure functions.

Read: the animators (staff of the sector: their home sector, or a staff role given for that
sector), the supervisors and the coordinators of one of the child's sectors, and the director.
Nobody else: a person whose job is HR or technical administration does not read records through
their home sector (only through a supervisor or coordinator role in the sector), and the admin
and HR roles themselves give nothing. Everyone else gets a 404, as for another organisation.

Write: the coordinator of one of the child's sectors, and the roles the organisation lists in
its settings (``HealthSettings.writer_roles``), for the records they may read.
"""

from __future__ import annotations

from maillon.accounts.roles import Role

# Roles that read every record of the organisation.
ALL_RECORDS_ROLES = frozenset({Role.DIRECTOR})
# Roles whose holders never read as an animator of their home sector.
BACK_OFFICE_ROLES = frozenset({Role.HR, Role.ADMIN})
SECTOR_READER_ROLES = (Role.STAFF, Role.SUPERVISOR, Role.COORDINATOR)


def reads_every_record(membership) -> bool:
    return membership is not None and membership.has_role(*ALL_RECORDS_ROLES)


def reading_sector_ids(membership) -> set[int]:
    """The sectors whose children ``membership`` may read (uses the prefetched role assignments)."""
    if membership is None:
        return set()
    ids = {a.sector_id for a in membership.role_assignments.all() if a.role in SECTOR_READER_ROLES and a.sector_id}
    if membership.sector_id and membership.has_role(Role.STAFF) and not membership.has_role(*BACK_OFFICE_ROLES):
        ids.add(membership.sector_id)
    return ids


def writer_roles(health_settings) -> frozenset[str]:
    return frozenset({Role.COORDINATOR, *(health_settings.writer_roles if health_settings else ())})


def writing_sector_ids(membership, health_settings) -> set[int]:
    """The sectors whose children ``membership`` may write (the director: see ``can_write_any``)."""
    if membership is None:
        return set()
    roles = writer_roles(health_settings)
    ids = {a.sector_id for a in membership.role_assignments.all() if a.role in roles and a.sector_id}
    if Role.STAFF in roles and membership.sector_id and not membership.has_role(*BACK_OFFICE_ROLES):
        ids.add(membership.sector_id)
    return ids


def can_use(membership) -> bool:
    """May open the « Health records » tab at all (the navigation shows it to these people)."""
    return reads_every_record(membership) or bool(reading_sector_ids(membership))


def can_read(membership, record, record_sector_ids=None) -> bool:
    if membership is None or record.organisation_id != membership.organisation_id:
        return False
    if reads_every_record(membership):
        return True
    sector_ids = record_sector_ids if record_sector_ids is not None else {s.pk for s in record.sectors.all()}
    return bool(reading_sector_ids(membership) & set(sector_ids))


def can_write_any(membership, health_settings) -> bool:
    """May create a record (in one of their writing sectors, or anywhere for a director who is a writer)."""
    if membership is None:
        return False
    if membership.has_role(*ALL_RECORDS_ROLES) and Role.DIRECTOR in writer_roles(health_settings):
        return True
    return bool(writing_sector_ids(membership, health_settings))


def sectors_to_write(membership, health_settings, sectors):
    """Of ``sectors`` (the organisation's), those a new or edited record may be put in."""
    if membership is None:
        return []
    if membership.has_role(*ALL_RECORDS_ROLES) and Role.DIRECTOR in writer_roles(health_settings):
        return list(sectors)
    ids = writing_sector_ids(membership, health_settings)
    return [s for s in sectors if s.pk in ids]


def can_write(membership, record, health_settings, record_sector_ids=None) -> bool:
    if not can_read(membership, record, record_sector_ids):
        return False
    if membership.has_role(*ALL_RECORDS_ROLES) and Role.DIRECTOR in writer_roles(health_settings):
        return True
    sector_ids = record_sector_ids if record_sector_ids is not None else {s.pk for s in record.sectors.all()}
    return bool(writing_sector_ids(membership, health_settings) & set(sector_ids))


def can_configure(membership) -> bool:
    """Who else writes records, when they expire, how long they are kept: the director."""
    return membership is not None and membership.has_role(Role.DIRECTOR)


def can_see_readers(membership) -> bool:
    """Who read a record (the audit journal, filtered): the director."""
    return membership is not None and membership.has_role(Role.DIRECTOR)


def abilities(membership, record, health_settings, record_sector_ids=None) -> dict[str, bool]:
    return {
        "write": can_write(membership, record, health_settings, record_sector_ids),
        "see_readers": can_see_readers(membership),
        "delete": can_delete(membership, record, health_settings, record_sector_ids),
    }


def can_delete(membership, record, health_settings, record_sector_ids=None) -> bool:
    """Delete a record by hand (GDPR): whoever may write it, and the director."""
    return can_read(membership, record, record_sector_ids) and (
        reads_every_record(membership) or can_write(membership, record, health_settings, record_sector_ids))


def can_import(membership, health_settings) -> bool:
    """Import records from a CSV file: whoever may create records."""
    return can_write_any(membership, health_settings)


def can_export(membership) -> bool:
    """Export every record as CSV: the director."""
    return reads_every_record(membership)
