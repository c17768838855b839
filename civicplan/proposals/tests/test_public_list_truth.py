"""The public list tells the truth: one campaign with its own places, nothing dated in the
future on top, texts that arrived as HTML shown clean in the list, page and export."""

from __future__ import annotations

import datetime

from django.utils import timezone

from civicplan.proposals.models import Proposal
from civicplan.proposals.tests.conftest import published

HTML_TEXT = (
    '<div class="message"><p>Прошу отремонтировать&nbsp;тротуар на улице Победы в Отрадном.</p>'
    "<p>С уважением, жители.</p></div>"
)


def test_html_from_another_portal_is_stored_and_shown_as_clean_text(
    client, campaign, regional_moderator
):
    proposal = published(campaign, regional_moderator, text=HTML_TEXT)
    assert proposal.text.startswith("Прошу отремонтировать тротуар")
    assert "<p>" not in proposal.text and "&nbsp;" not in proposal.text
    # Rows imported before the fix are cleaned at display.
    Proposal.objects.filter(pk=proposal.pk).update(text=HTML_TEXT)
    for url in ("/proposals/", f"/proposals/{proposal.pk}/"):
        html = client.get(url).content.decode()
        assert "Прошу отремонтировать тротуар" in html
        assert "&lt;div" not in html and "&lt;p&gt;" not in html and "&amp;nbsp;" not in html, url
    export = client.get("/proposals/export/?format=csv").content.decode("utf-8-sig")
    assert "Прошу отремонтировать тротуар" in export and "<p>" not in export


def test_a_proposal_dated_in_the_future_does_not_top_the_newest(
    client, campaign, regional_moderator
):
    honest = published(campaign, regional_moderator, text="Нужен пешеходный переход у школы № 2.")
    odd = published(campaign, regional_moderator, text="Нужна парковка у поликлиники в Отрадном.")
    Proposal.objects.filter(pk=odd.pk).update(
        published_at=timezone.now() + datetime.timedelta(days=40)
    )
    html = client.get("/proposals/?sort=new").content.decode()
    assert "пешеходный переход" in html
    assert "парковка у поликлиники" not in html
    assert honest.pk


def test_the_list_shows_the_campaign_it_is_headed_with_and_its_places(
    client, campaign, regional_moderator
):
    published(campaign, regional_moderator, text="Нужен пешеходный переход у школы № 2.")
    html = client.get("/proposals/").content.decode()
    assert campaign.title in html
    assert f'name="campaign" value="{campaign.pk}"' in html
    assert "Отрадный" in html
