"""issue 14: the active language lives in a context variable (core/translation_state.py) and keeps
asgiref.Local's semantics: per thread, per async task, seen through sync_to_async/async_to_sync."""

import asyncio
import threading

from asgiref.sync import async_to_sync, sync_to_async
from django.utils import translation
from django.utils.translation import trans_real

from maillon.core.translation_state import ContextLocal


def test_installed_at_start():
    assert isinstance(trans_real._active, ContextLocal)


def test_a_language_stays_in_its_thread():
    seen = {}
    with translation.override("en"):
        thread = threading.Thread(target=lambda: seen.update(lang=translation.get_language()))
        thread.start()
        thread.join()
        assert translation.get_language() == "en"
    assert seen["lang"] == "fr"  # a new thread starts with the default language (LANGUAGE_CODE)
    assert translation.get_language() == "fr"


def test_seen_across_sync_to_async_and_async_to_sync():
    async def outer():
        translation.activate("en")
        try:
            return await sync_to_async(translation.get_language)()
        finally:
            translation.deactivate()

    assert async_to_sync(outer)() == "en"
    with translation.override("en"):
        assert async_to_sync(sync_to_async(translation.get_language))() == "en"


def test_tasks_do_not_share_a_language():
    async def one(language, started, results):
        translation.activate(language)
        started.append(language)
        await asyncio.sleep(0)
        results[language] = translation.get_language()

    async def both():
        started, results = [], {}
        await asyncio.gather(one("en", started, results), one("fr", started, results))
        return results

    assert asyncio.run(both()) == {"en": "en", "fr": "fr"}


def test_missing_attribute_and_delete():
    local = ContextLocal("t")
    assert getattr(local, "value", None) is None
    local.value = 1
    assert local.value == 1
    del local.value
    assert not hasattr(local, "value")
