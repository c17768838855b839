"""Municipal potential: a composite index with its explanation, a typology and peers.

Pure Python and numpy, no Django. Typical use::

    records, observations, notices = load_csv("municipalities.csv", "indicators.csv")
    assessment = assess(records, observations, default_methodology())
    result = assessment.result("36724000000")
    result.index, result.explanation, result.peers, result.growth_points

The method is described in `assess.py` and in docs/potential.md.
"""

from civicplan.analytics.potential.assess import (
    Assessment,
    Contribution,
    MunicipalityResult,
    Peer,
    PeerPoint,
    assess,
    assess_panel,
    explain,
)
from civicplan.analytics.potential.data import (
    SIZE_CLASS_NAMES,
    SIZE_CLASSES,
    MunicipalityRecord,
    Notice,
    Observation,
    Panel,
    build_panel,
    load_csv,
    size_class_of,
)
from civicplan.analytics.potential.methodology import (
    IndicatorSpec,
    Methodology,
    MethodologyError,
    Normalisation,
    SubIndex,
    default_methodology,
)
from civicplan.analytics.potential.typology import ClusterType

__all__ = [
    "SIZE_CLASSES",
    "SIZE_CLASS_NAMES",
    "Assessment",
    "ClusterType",
    "Contribution",
    "IndicatorSpec",
    "Methodology",
    "MethodologyError",
    "MunicipalityRecord",
    "MunicipalityResult",
    "Normalisation",
    "Notice",
    "Observation",
    "Panel",
    "Peer",
    "PeerPoint",
    "SubIndex",
    "assess",
    "assess_panel",
    "build_panel",
    "default_methodology",
    "explain",
    "load_csv",
    "size_class_of",
]
