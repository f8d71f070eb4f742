"""The app's settings: one DIRECT_TO_S3 dict, every key optional, defaults documented."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error

from direct_to_s3 import conf
from direct_to_s3.checks import check_upload_settings


def ids(messages: list[Error]) -> list[str]:
    return [message.id for message in messages]


def test_without_the_setting_every_default_applies(settings: Any) -> None:
    del settings.DIRECT_TO_S3
    # pytest-django deletes a setting without sending setting_changed, and the app's models
    # have read the settings already (a DirectFileField's default `delete_replaced`).
    conf.app_settings.cache_clear()

    assert conf.app_settings() == conf.AppSettings()


def test_a_key_overrides_its_default_only(app_settings: Any) -> None:
    app_settings(MAX_SIZE=5)

    assert conf.app_settings().max_size == 5
    assert conf.app_settings().multipart_threshold == conf.AppSettings().multipart_threshold


def test_a_changed_setting_is_seen_at_once(app_settings: Any) -> None:
    before = conf.app_settings().ticket_expires

    app_settings(TICKET_EXPIRES=before + 1)

    assert conf.app_settings().ticket_expires == before + 1


def test_lists_become_tuples(app_settings: Any) -> None:
    app_settings(ALLOWED_CONTENT_TYPES=["image/png"])

    assert conf.app_settings().allowed_content_types == ("image/png",)


def test_private_files_may_be_of_any_type_by_default() -> None:
    assert conf.app_settings().private_allowed_content_types == ("*/*",)


def test_an_unknown_key_is_a_check_error(app_settings: Any) -> None:
    app_settings(MAX_SIZ=5)

    assert ids(check_upload_settings()) == ["direct_to_s3.E011"]
    assert "'MAX_SIZ'" in check_upload_settings()[0].msg


def test_a_value_of_the_wrong_type_is_a_check_error(app_settings: Any) -> None:
    app_settings(MAX_SIZE="10 GiB")

    assert ids(check_upload_settings()) == ["direct_to_s3.E011"]


def test_a_setting_that_is_not_a_dict_is_a_check_error(settings: Any) -> None:
    settings.DIRECT_TO_S3 = ["MAX_SIZE"]

    assert ids(check_upload_settings()) == ["direct_to_s3.E011"]


def test_every_key_has_a_default() -> None:
    assert set(conf.FIELDS) == {name.upper() for name in vars(conf.AppSettings())}


def test_a_switch_must_be_true_or_false(app_settings: Any) -> None:
    app_settings(DELETE_REPLACED_FILES=1)

    assert ids(check_upload_settings()) == ["direct_to_s3.E011"]
    assert "True or False" in check_upload_settings()[0].msg


def test_a_switch_turned_off_is_read(app_settings: Any) -> None:
    app_settings(DELETE_REPLACED_FILES=False)

    assert check_upload_settings() == []
    assert conf.app_settings().delete_replaced_files is False
