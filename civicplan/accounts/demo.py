"""Demo accounts and the published consent texts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from civicplan.accounts.models import PolicyDocument, Role, User
from civicplan.accounts.services import policy_publish, role_grant

DEMO_PASSWORD = "demo-civicplan-2026"

PERSONAL_DATA_TEXT = """\
Оператор персональных данных: министерство экономического развития и инвестиций Самарской \
области (далее — оператор), которое ведёт платформу «Стратегия вместе» и отвечает за \
обработку. Сведения об операторе и его политика в отношении обработки персональных данных \
опубликованы на сайте по ссылке «Политика обработки персональных данных» внизу каждой страницы.

Цели обработки: рассмотрение предложения или заявки на участие в стратегической сессии, \
направление ответа и уведомлений о ходе рассмотрения, учёт предложений при разработке и \
мониторинге стратегии социально-экономического развития региона.

Перечень данных: фамилия, имя, отчество (если указаны); адрес электронной почты; номер \
телефона; возрастная группа; муниципальное образование; текст предложения и приложенные \
файлы; сведения о согласии (дата и время, версия текста согласия, хеш IP-адреса, сведения о \
браузере).

Действия с данными: сбор, запись, систематизация, хранение, уточнение, использование, \
обезличивание, удаление и уничтожение, в том числе с использованием средств автоматизации. \
Передача третьим лицам не осуществляется, за исключением случаев, предусмотренных законом.

Срок хранения: до достижения целей обработки, но не более трёх лет со дня окончания \
кампании, после чего персональные данные удаляются, а предложение остаётся в обезличенном виде.

Отзыв согласия: согласие можно отозвать в любой момент по ссылке для отслеживания \
предложения, в личном кабинете или письмом оператору. После отзыва персональные данные \
удаляются, предложение остаётся опубликованным без сведений об авторе.

Согласие даётся в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ \
«О персональных данных» свободно, своей волей и в своём интересе."""

PROCESSING_POLICY_TEXT = """\
1. Общие положения. Политика определяет, как министерство экономического развития и \
инвестиций Самарской области (далее — оператор) обрабатывает персональные данные на \
платформе «Стратегия вместе», и опубликована во исполнение части 2 статьи 18.1 \
Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных».

2. Чьи данные обрабатываются: жители и представители организаций, которые направляют \
предложения, комментируют, поддерживают предложения, регистрируются на стратегические \
сессии; сотрудники органов власти, работающие на платформе.

3. Цели: рассмотрение предложений и обращений, ответ на них и уведомления о ходе \
рассмотрения; проведение стратегических сессий; учёт предложений при разработке и \
мониторинге стратегии социально-экономического развития; защита платформы от \
злоупотреблений.

4. Основания: согласие субъекта персональных данных (пункт 1 части 1 статьи 6 закона); \
исполнение полномочий органа государственной власти (пункт 2 части 1 статьи 6).

5. Состав данных и действия с ними перечислены в тексте согласия, которое даётся при \
отправке формы. Данные хранятся на серверах в Российской Федерации, доступ к ним имеют \
только уполномоченные сотрудники с подтверждением входа вторым фактором; каждый просмотр \
персональных данных записывается в журнал.

6. Сроки: данные хранятся до достижения целей, но не более трёх лет со дня окончания \
кампании, затем удаляются; предложения остаются в обезличенном виде.

7. Права субъекта: получить сведения об обработке и копию своих данных (кнопка «Скачать \
мои данные» в личном кабинете), потребовать уточнения, отозвать согласие и потребовать \
удаления — по ссылке для отслеживания предложения, в личном кабинете или письмом оператору; \
обжаловать действия оператора в Роскомнадзоре или в суде.

8. Обращения по вопросам обработки персональных данных направляются оператору письмом; \
ответ даётся в сроки, установленные статьёй 14 закона."""

COOKIES_TEXT = """\
Сайт использует обязательные файлы cookie: для входа в личный кабинет, защиты форм от \
подделки запросов и запоминания вашего выбора о cookie. Без них сайт не работает.

С вашего согласия сайт использует аналитический файл cookie, чтобы учитывать повторные \
посещения материалов и улучшать сайт. Если вы отказались, аналитический файл cookie не \
устанавливается, а просмотры считаются без него.

Изменить решение можно в любой момент кнопкой «Настройки cookie» внизу страницы."""

DEMO_USERS: list[dict[str, Any]] = [
    {"email": "admin@civicplan.local", "first_name": "Администратор", "superuser": True},
    {
        "email": "moderator.samara@civicplan.local",
        "first_name": "Ирина",
        "last_name": "Волкова",
        "role": Role.REGIONAL_MODERATOR,
        "region": 63,
    },
    {
        "email": "moderator.otradny@civicplan.local",
        "first_name": "Сергей",
        "last_name": "Ковалёв",
        "role": Role.MUNICIPAL_MODERATOR,
        "oktmo": "36724000000",
    },
    {
        "email": "moderator.kinel@civicplan.local",
        "first_name": "Ольга",
        "last_name": "Миронова",
        "role": Role.MUNICIPAL_MODERATOR,
        "oktmo": "36708000000",
    },
    {
        "email": "analyst@civicplan.local",
        "first_name": "Дмитрий",
        "last_name": "Никитин",
        "role": Role.ANALYST,
        "region": 63,
    },
    {
        "email": "strategy@civicplan.local",
        "first_name": "Анна",
        "last_name": "Белова",
        "role": Role.STRATEGY_EDITOR,
        "region": 63,
    },
    {
        "email": "facilitator@civicplan.local",
        "first_name": "Павел",
        "last_name": "Орлов",
        "role": Role.FACILITATOR,
        "region": 63,
    },
    {
        "email": "moderator.orenburg@civicplan.local",
        "first_name": "Марина",
        "last_name": "Зайцева",
        "role": Role.REGIONAL_MODERATOR,
        "region": 56,
    },
    {"email": "resident@civicplan.local", "first_name": "Елена", "last_name": "Смирнова"},
]


def load(*, stdout: Any) -> None:
    from civicplan.territories.models import Municipality, Region

    policy_publish(
        kind=PolicyDocument.Kind.PERSONAL_DATA,
        version="1.0",
        title="Согласие на обработку персональных данных",
        text=PERSONAL_DATA_TEXT,
    )
    policy_publish(
        kind=PolicyDocument.Kind.PROCESSING_POLICY,
        version="1.0",
        title="Политика в отношении обработки персональных данных",
        text=PROCESSING_POLICY_TEXT,
    )
    policy_publish(
        kind=PolicyDocument.Kind.COOKIES,
        version="1.0",
        title="Политика использования файлов cookie",
        text=COOKIES_TEXT,
    )
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    for spec in DEMO_USERS:
        user = User.objects.filter(email=spec["email"]).first()
        if user is None:
            if spec.get("superuser"):
                user = User.objects.create_superuser(spec["email"], None)
            else:
                user = User.objects.create_user(spec["email"], None)
            user.password = password
            user.first_name = spec.get("first_name", "")
            user.last_name = spec.get("last_name", "")
            user.email_confirmed_at = timezone.now()
            # Demo accounts share one known password hash and are confirmed at once (demo only).
            user.save()
        role = spec.get("role")
        if role:
            municipality = (
                Municipality.objects.filter(oktmo=spec["oktmo"]).first()
                if "oktmo" in spec
                else None
            )
            region = (
                Region.objects.filter(code=spec["region"]).first() if "region" in spec else None
            )
            if municipality is None and region is None:
                continue
            role_grant(user=user, role=role, region=region, municipality=municipality)
    stdout.write(
        f"  Демонстрационные учётные записи: admin@civicplan.local и другие, пароль {DEMO_PASSWORD}"
    )
