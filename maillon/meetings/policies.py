"""Who may do what with meetings: small pure functions."""

from __future__ import annotations

from maillon.accounts.models import Membership

from .models import Meeting, Task

OVERSEERS = ("coordinator", "director")


def is_participant(membership: Membership, meeting: Meeting, participant_ids: set[int]) -> bool:
    return membership.pk in participant_ids


def can_see_meeting(membership: Membership, meeting: Meeting, participant_ids: set[int]) -> bool:
    return (meeting.organisation_id == membership.organisation_id and (
        meeting.organiser_id == membership.user_id or membership.pk in participant_ids or membership.has_role(*OVERSEERS)))


def can_write_minutes(membership: Membership, meeting: Meeting, participant_ids: set[int]) -> bool:
    """The organiser and the participants write the minutes together."""
    return meeting.organisation_id == membership.organisation_id and (
        meeting.organiser_id == membership.user_id or membership.pk in participant_ids)


def can_edit_minutes(membership: Membership, meeting: Meeting, participant_ids: set[int], minutes) -> bool:
    """Write the text, record outcomes and attendance: the organiser and the participants while
    the minutes are a draft; once published, the organiser or the director."""
    return can_write_minutes(membership, meeting, participant_ids) and (
        minutes.status == minutes.Status.DRAFT or can_manage(membership, meeting))


def can_manage(membership: Membership, meeting: Meeting) -> bool:
    """Publish the minutes, record attendance: the organiser or the director."""
    return meeting.organisation_id == membership.organisation_id and (
        meeting.organiser_id == membership.user_id or membership.has_role("director"))


def can_complete_task(membership: Membership, task: Task) -> bool:
    return task.organisation_id == membership.organisation_id and (
        task.assignee_id == membership.pk or task.meeting.organiser_id == membership.user_id)


def can_manage_types(membership: Membership) -> bool:
    """Add or change the organisation's meeting types: coordinators, the director, the admin."""
    return membership is not None and membership.has_role("coordinator", "director", "admin")
