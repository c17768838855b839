"""Poll results as a workbook for the editors (the page shows the same numbers)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicplan.publications import selectors
from civicplan.publications.models import Poll
from civicplan.reports.tabular import Sheet

POLL_METHOD_NOTE = gettext_lazy(
    "Один голос от одного участника: у зарегистрированных жителей голос закреплён за учётной "
    "записью, у остальных — за браузером (подписанная cookie), а число голосов с одного адреса "
    "ограничено. Это быстрый опрос посетителей сайта, а не социологическое исследование."
)


def poll_results_sheets(poll: Poll) -> list[Sheet]:
    """«Результаты» (votes per option) and, if residents wrote their own, «Свои варианты»."""
    sheets = [
        Sheet(
            title=_("Результаты"),
            preamble=[
                [poll.question],
                [
                    _("Открыт с"),
                    timezone.localtime(poll.opens_at).strftime("%d.%m.%Y %H:%M"),
                    _("до"),
                    timezone.localtime(poll.closes_at).strftime("%d.%m.%Y %H:%M"),
                ],
                [_("Проголосовали"), poll.votes_count],
                [],
            ],
            header=[_("Вариант ответа"), _("Голоса"), _("Доля, %")],
            rows=[[r.label, r.votes, round(r.share, 1)] for r in selectors.poll_results(poll)],
            footer=[[], [str(POLL_METHOD_NOTE)]],
            widths=[60, 14, 12],
        )
    ]
    others = selectors.poll_other_answers(poll)
    if others:
        sheets.append(
            Sheet(
                title=_("Свои варианты"),
                header=[_("Свой вариант")],
                rows=[[text] for text in others],
                widths=[90],
            )
        )
    return sheets
