"""The domains of the practice library, linked to the potential sub-indices."""

from django.db import migrations

DOMAINS = (
    ("demography", "Демография и семья", "demography"),
    ("youth", "Молодёжь и миграция", "migration"),
    ("employment", "Занятость и доходы", "income"),
    ("business", "Малый бизнес и торговля", "economy"),
    ("industry", "Промышленность и новые отрасли", "economy"),
    ("transport", "Транспорт и выход на рынки", "market"),
    ("tourism", "Туризм и культура", "market"),
    ("agriculture", "Сельское хозяйство и кооперация", "economy"),
    ("housing", "ЖКХ и городская среда", ""),
    ("health", "Здравоохранение", "demography"),
    ("education", "Образование", "migration"),
    ("ecology", "Экология", ""),
    ("digital", "Цифровые услуги и связь", "market"),
    ("social", "Социальная поддержка", "demography"),
)


def create_domains(apps, schema_editor):
    Domain = apps.get_model("practices", "Domain")
    for order, (code, name, subindex) in enumerate(DOMAINS):
        Domain.objects.update_or_create(
            code=code, defaults={"name": name, "subindex": subindex, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(create_domains, migrations.RunPython.noop)]
