"""The label page keeps its credential's verification report on the hub: a second view does no verifying, and a
status change through the label service is seen on the very next view (counted work, no timing)."""

from __future__ import annotations

from pathlib import Path

from hub.domain.codes import LabelStatus
from tests.credentials.live import live_hub
from tests.public.test_certificate import certificate
from tests.public.test_label_page import EN, text_of

VERIFIES = "✓ The credential verifies"
FAILS = "✗ The credential does not verify"


def test_a_second_view_does_not_verify_again_and_a_status_change_is_seen_at_once(
    demo_db_url: str, tmp_path: Path
) -> None:
    with live_hub(demo_db_url, tmp_path / "keys") as own:
        serial = own.serials()[-1]
        cache = own.hub.verifications
        assert VERIFIES in text_of(own.client.get(f"/l/{serial}", headers=EN).text)
        made = cache.computed
        assert made >= 1
        for _ in range(3):
            assert VERIFIES in text_of(own.client.get(f"/l/{serial}", headers=EN).text)
        assert own.client.get(f"/l/{serial}.json").json()["credential"]["verified"] is True
        assert cache.computed == made  # four more views, not one more verification

        assert "NOT VALID" not in certificate(own, serial, EN)[2]
        own.set_status(serial, LabelStatus.SUSPENDED)  # the regulator's step, in another process's hub
        words = text_of(own.client.get(f"/l/{serial}", headers=EN).text)
        assert FAILS in words and "This carbon label is SUSPENDED" in words
        assert cache.computed == made + 1
        assert own.client.get(f"/l/{serial}.json").json()["credential"]["status"]["suspension"] is True
        assert cache.computed == made + 1
        assert "This certificate is NOT VALID" in certificate(own, serial, EN)[2]  # never the one kept before

        own.set_status(serial, LabelStatus.ISSUED)  # reinstated: verifies again on the next view
        assert VERIFIES in text_of(own.client.get(f"/l/{serial}", headers=EN).text)
        assert cache.computed == made + 2


def test_a_credential_signed_later_makes_the_kept_reports_stale(demo_db_url: str, tmp_path: Path) -> None:
    """Signing a label's credential takes a status index and rebuilds the lists: reports kept before are not
    trusted after (their lists' revision moved on)."""
    with live_hub(demo_db_url, tmp_path / "keys") as own:
        first, second = own.serials()[:2]
        cache = own.hub.verifications
        own.client.get(f"/l/{first}", headers=EN)
        own.client.get(f"/l/{first}", headers=EN)
        made = cache.computed
        own.client.get(f"/l/{second}", headers=EN)  # signs the second label's credential on first read
        own.client.get(f"/l/{first}", headers=EN)
        assert cache.computed == made + 2


def test_a_page_is_rendered_once_until_anything_it_shows_changes(demo_db_url: str, tmp_path: Path) -> None:
    """The rendered page is kept on the hub (hub/public/kept.py): repeat views render nothing, each language and
    form is its own page, and any write to what a page reads (here a suspension, through another hub on the same
    database, as another worker would) makes the next view render again."""
    with live_hub(demo_db_url, tmp_path / "keys") as own:
        serial = own.serials()[-1]
        pages = own.hub.pages
        own.client.get(f"/l/{serial}", headers=EN)  # the first view signs the credential: that page is not kept
        first = own.client.get(f"/l/{serial}", headers=EN)
        made = pages.made
        for _ in range(3):
            again = own.client.get(f"/l/{serial}", headers=EN)
            assert again.content == first.content and again.headers["content-language"] == "en"
        assert pages.made == made
        own.client.get(f"/l/{serial}", headers={"Accept-Language": "zh-CN"})
        own.client.get(f"/l/{serial}.json")
        assert pages.made == made + 2  # Chinese and JSON are pages of their own
        own.client.get("/l/NO-SUCH-SERIAL", headers=EN)
        own.client.get("/l/NO-SUCH-SERIAL", headers=EN)
        assert pages.made == made + 2  # a 404 is never kept (nor rendered as a label page)
        own.set_status(serial, LabelStatus.SUSPENDED)
        assert "This carbon label is SUSPENDED" in text_of(own.client.get(f"/l/{serial}", headers=EN).text)
        assert pages.made == made + 3
