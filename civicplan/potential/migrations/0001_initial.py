"""The potential index moves from `territories` to its own app; its tables stay as they are.

State only: the four models are created in the `potential` app over the existing
`territories_potential*` tables (no table is touched, every row is kept). Content types and
with them permissions and admin history follow the models to the new app label.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

MODELS = ("potentialmethodology", "potentialsubindex", "potentialindicator", "potentialscore")


def _relabel(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps, schema_editor) -> None:
    _relabel(apps, "territories", "potential")


def content_types_backward(apps, schema_editor) -> None:
    _relabel(apps, "potential", "territories")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("territories", "0003_potential_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="PotentialMethodology",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=255, verbose_name="название")),
                        (
                            "is_active",
                            models.BooleanField(
                                default=False,
                                help_text="Страницы и API показывают результаты действующей методики.",
                                verbose_name="действующая",
                            ),
                        ),
                        (
                            "method",
                            models.CharField(
                                choices=[
                                    ("minmax", "минимум–максимум"),
                                    ("zscore", "z-оценка (через нормальное распределение)"),
                                ],
                                default="minmax",
                                max_length=16,
                                verbose_name="способ нормирования",
                            ),
                        ),
                        (
                            "scope",
                            models.CharField(
                                choices=[
                                    ("country", "все муниципалитеты России"),
                                    ("region", "муниципалитеты своего региона"),
                                    ("size_class", "муниципалитеты той же группы по численности"),
                                ],
                                default="country",
                                max_length=16,
                                verbose_name="с кем сравнивать",
                            ),
                        ),
                        (
                            "winsor_lower",
                            models.FloatField(
                                default=0.05,
                                help_text="Квантиль, ниже которого значения приравниваются к нему (0,05 — 5 %).",
                                validators=[
                                    django.core.validators.MinValueValidator(0.0),
                                    django.core.validators.MaxValueValidator(0.5),
                                ],
                                verbose_name="нижняя граница винсоризации",
                            ),
                        ),
                        (
                            "winsor_upper",
                            models.FloatField(
                                default=0.95,
                                validators=[
                                    django.core.validators.MinValueValidator(0.5),
                                    django.core.validators.MaxValueValidator(1.0),
                                ],
                                verbose_name="верхняя граница винсоризации",
                            ),
                        ),
                        (
                            "min_group_size",
                            models.PositiveSmallIntegerField(
                                default=3,
                                validators=[django.core.validators.MinValueValidator(2)],
                                verbose_name="минимум муниципалитетов для сравнения",
                            ),
                        ),
                        (
                            "min_coverage",
                            models.FloatField(
                                default=0.5,
                                help_text="Индекс рассчитывается, если данные есть по показателям с этой долей общего веса.",
                                validators=[
                                    django.core.validators.MinValueValidator(0.01),
                                    django.core.validators.MaxValueValidator(1.0),
                                ],
                                verbose_name="порог полноты данных",
                            ),
                        ),
                        (
                            "clusters",
                            models.PositiveSmallIntegerField(
                                default=6,
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="число типов муниципалитетов",
                            ),
                        ),
                        (
                            "peers",
                            models.PositiveSmallIntegerField(
                                default=10,
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="число аналогов",
                            ),
                        ),
                        (
                            "version",
                            models.CharField(blank=True, max_length=32, verbose_name="версия"),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="изменена"),
                        ),
                        (
                            "computed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="рассчитана"),
                        ),
                        (
                            "notices",
                            models.JSONField(
                                blank=True,
                                default=list,
                                verbose_name="замечания последнего расчёта",
                            ),
                        ),
                        (
                            "cluster_types",
                            models.JSONField(
                                blank=True, default=list, verbose_name="типы муниципалитетов"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "territories_potentialmethodology",
                        "verbose_name": "методика индекса потенциала",
                        "verbose_name_plural": "методики индекса потенциала",
                        "ordering": ["-is_active", "name"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("is_active", True)),
                                fields=("is_active",),
                                name="territories_one_active_potential_methodology",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PotentialSubIndex",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.SlugField(max_length=32, verbose_name="код")),
                        ("name", models.CharField(max_length=255, verbose_name="название")),
                        (
                            "weight",
                            models.FloatField(
                                help_text="Веса субиндексов, не дающие в сумме 1, пересчитываются пропорционально.",
                                validators=[django.core.validators.MinValueValidator(0.0)],
                                verbose_name="вес",
                            ),
                        ),
                        (
                            "high_label",
                            models.CharField(
                                blank=True,
                                max_length=128,
                                verbose_name="как назвать тип, сильный по субиндексу",
                            ),
                        ),
                        (
                            "low_label",
                            models.CharField(
                                blank=True,
                                max_length=128,
                                verbose_name="как назвать тип, слабый по субиндексу",
                            ),
                        ),
                        (
                            "order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="порядок"),
                        ),
                        (
                            "methodology",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="subindices",
                                to="potential.potentialmethodology",
                                verbose_name="методика",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "territories_potentialsubindex",
                        "verbose_name": "субиндекс",
                        "verbose_name_plural": "субиндексы",
                        "ordering": ["methodology", "order", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="PotentialIndicator",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.SlugField(max_length=64, verbose_name="код")),
                        ("name", models.CharField(max_length=255, verbose_name="название")),
                        (
                            "unit",
                            models.CharField(
                                blank=True, max_length=32, verbose_name="единица измерения"
                            ),
                        ),
                        (
                            "weight",
                            models.FloatField(
                                help_text="Веса показателей субиндекса, не дающие в сумме 1, пересчитываются.",
                                validators=[django.core.validators.MinValueValidator(0.0)],
                                verbose_name="вес в субиндексе",
                            ),
                        ),
                        (
                            "better",
                            models.CharField(
                                choices=[("higher", "больше — лучше"), ("lower", "меньше — лучше")],
                                default="higher",
                                max_length=8,
                                verbose_name="что лучше",
                            ),
                        ),
                        (
                            "op",
                            models.CharField(
                                choices=[
                                    ("value", "значение показателя"),
                                    ("share", "доля от базы, %"),
                                    ("per_1000", "на 1000 жителей"),
                                    ("change", "изменение между годами, %"),
                                    ("ratio_to_region_median", "отношение к медиане региона"),
                                    (
                                        "spread",
                                        "разброс по группе показателей (коэффициент вариации)",
                                    ),
                                    ("count", "число показателей группы с данными"),
                                ],
                                default="value",
                                max_length=32,
                                verbose_name="способ расчёта",
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                blank=True,
                                help_text="Код, например avg_wage.",
                                max_length=64,
                                verbose_name="исходный показатель",
                            ),
                        ),
                        (
                            "base",
                            models.CharField(
                                blank=True,
                                help_text="Например population.",
                                max_length=64,
                                verbose_name="база (знаменатель)",
                            ),
                        ),
                        (
                            "prefix",
                            models.CharField(
                                blank=True,
                                help_text="Для разброса и числа показателей, например avg_wage_okved_.",
                                max_length=64,
                                verbose_name="начало кодов группы",
                            ),
                        ),
                        (
                            "year",
                            models.CharField(
                                default="latest",
                                help_text="Год или latest — последний год, за который есть данные.",
                                max_length=8,
                                verbose_name="год",
                            ),
                        ),
                        (
                            "from_year",
                            models.PositiveSmallIntegerField(
                                blank=True, null=True, verbose_name="с какого года"
                            ),
                        ),
                        (
                            "base_year",
                            models.PositiveSmallIntegerField(
                                blank=True, null=True, verbose_name="год базы"
                            ),
                        ),
                        (
                            "min_count",
                            models.PositiveSmallIntegerField(
                                default=3,
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="минимум показателей группы",
                            ),
                        ),
                        (
                            "order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="порядок"),
                        ),
                        (
                            "subindex",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="indicators",
                                to="potential.potentialsubindex",
                                verbose_name="субиндекс",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "territories_potentialindicator",
                        "verbose_name": "показатель индекса",
                        "verbose_name_plural": "показатели индекса",
                        "ordering": ["subindex", "order", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="PotentialScore",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "index",
                            models.FloatField(
                                blank=True,
                                db_index=True,
                                null=True,
                                verbose_name="индекс потенциала",
                            ),
                        ),
                        ("coverage", models.FloatField(default=0.0, verbose_name="полнота данных")),
                        (
                            "rank_region",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="место в регионе"
                            ),
                        ),
                        (
                            "count_region",
                            models.PositiveIntegerField(
                                default=0, verbose_name="оценено в регионе"
                            ),
                        ),
                        (
                            "rank_size_class",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="место в группе по численности"
                            ),
                        ),
                        (
                            "count_size_class",
                            models.PositiveIntegerField(default=0, verbose_name="оценено в группе"),
                        ),
                        (
                            "size_class",
                            models.CharField(
                                blank=True, max_length=16, verbose_name="группа по численности"
                            ),
                        ),
                        (
                            "cluster",
                            models.SmallIntegerField(blank=True, null=True, verbose_name="тип"),
                        ),
                        (
                            "cluster_name",
                            models.CharField(
                                blank=True, max_length=255, verbose_name="название типа"
                            ),
                        ),
                        ("subindices", models.JSONField(default=dict, verbose_name="субиндексы")),
                        (
                            "details",
                            models.JSONField(
                                default=dict,
                                help_text="Вклады показателей, объяснение, аналоги, точки роста и слабые места.",
                                verbose_name="подробности",
                            ),
                        ),
                        ("computed_at", models.DateTimeField(verbose_name="рассчитано")),
                        (
                            "methodology",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="scores",
                                to="potential.potentialmethodology",
                                verbose_name="методика",
                            ),
                        ),
                        (
                            "municipality",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="potential_scores",
                                to="territories.municipality",
                                verbose_name="муниципальное образование",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "territories_potentialscore",
                        "verbose_name": "индекс потенциала муниципалитета",
                        "verbose_name_plural": "индексы потенциала муниципалитетов",
                        "ordering": ["methodology", "-index"],
                        "indexes": [
                            models.Index(
                                fields=["methodology", "size_class", "index"],
                                name="territories_methodo_b550f4_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("methodology", "municipality"),
                                name="territories_potential_score_unique",
                            )
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="potentialsubindex",
                    constraint=models.UniqueConstraint(
                        fields=("methodology", "code"), name="territories_subindex_code_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="potentialindicator",
                    constraint=models.UniqueConstraint(
                        fields=("subindex", "code"), name="territories_potential_indicator_unique"
                    ),
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
