"""The demo loader: authors follow their proposals, the question was asked after completed
measures, the demo resident has follows and notifications; loading twice changes nothing."""

from __future__ import annotations

import io

import pytest

from civicplan.notifications import demo
from civicplan.notifications.models import Follow, FollowSource, Notification, ProblemFeedback
from civicplan.notifications.tests.conftest import measure_for, published
from civicplan.strategy.models import MeasureState

pytestmark = pytest.mark.django_db


def test_demo_loads_once(campaign, otradny_moderator, anna):
    proposal = published(campaign, otradny_moderator, user=anna)
    Follow.objects.all().delete()  # as if the proposal came before the notifications app
    measure = measure_for(campaign, proposals=[proposal])
    measure_for(campaign, code="5.9.2", proposals=[proposal])
    from civicplan.strategy.services import measure_progress_set

    measure_progress_set(measure=measure, progress=100)
    ProblemFeedback.objects.all().delete()
    assert measure.state == MeasureState.DONE

    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=out)

    assert Follow.objects.filter(subscriber__user=anna, source=FollowSource.AUTHOR).count() == 1
    assert ProblemFeedback.objects.filter(measure=measure, subscriber__user=anna).count() == 1
    # the demo resident's own proposal went into the completed measure: she is asked too
    assert ProblemFeedback.objects.filter(
        measure=measure, subscriber__user__email="resident@civicplan.local"
    ).exists()
    resident = Notification.objects.filter(subscriber__user__email="resident@civicplan.local")
    assert resident.filter(event__title__contains="вошло в мероприятие").exists()
    assert "уже загружены" in out.getvalue()
