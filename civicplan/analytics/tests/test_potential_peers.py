"""Peers, growth points, weak spots and the typology on small hand-made sets."""

import numpy as np
import pytest

from civicplan.analytics.potential import MunicipalityRecord, Observation, assess
from civicplan.analytics.potential.peers import find_peers, peer_quartiles
from civicplan.analytics.potential.typology import name_clusters
from civicplan.analytics.tests.test_potential_index import methodology

TOWNS = {"A": 1, "B": 2, "C": 3, "D": 10, "E": 11, "F": 12}


def _case():
    records = [MunicipalityRecord(k, 63, population=30_000, name=f"Город {k}") for k in TOWNS]
    records.append(MunicipalityRecord("M", 63, population=1_200_000, name="Самара"))
    rows = [Observation(k, "kids", 2024, v) for k, v in TOWNS.items()]
    rows += [Observation(k, "old", 2024, v) for k, v in TOWNS.items()]
    rows += [Observation("M", "kids", 2024, 2), Observation("M", "old", 2024, 2)]
    method = methodology(demo=1.0, market=0.0)
    method = type(method).from_dict(method.to_dict() | {"peers": 5})
    return assess(records, rows, method)


def test_peers_are_the_nearest_towns_of_the_same_size_class():
    a = _case()

    peers = [p.id for p in a.result("A").peers]
    assert peers[:2] == ["B", "C"]
    assert "M" not in peers  # Самара is a city of over a million, not a peer
    assert a.result("M").peers == []
    similarity = [p.similarity for p in a.result("A").peers]
    assert similarity == sorted(similarity, reverse=True)


def test_growth_points_and_weak_spots_against_peers():
    a = _case()

    low = a.result("A")
    high = a.result("F")
    middle = a.result("C")

    # A has the fewest children (worse than all five peers) but the fewest elderly.
    assert [p.code for p in low.weak_spots] == ["kids"]
    assert [p.code for p in low.growth_points] == ["old"]
    assert [p.code for p in high.growth_points] == ["kids"]
    assert middle.growth_points == [] and middle.weak_spots == []
    # The peers' median is reported in the indicator's own terms, not negated.
    old = low.growth_points[0]
    assert old.value == 1 and old.peers_median == 10


def test_peer_quartiles_need_enough_peers_with_data():
    oriented = np.array([[1.0], [2.0], [3.0], [np.nan]])
    peers = np.array([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]])

    growth, weak, _ = peer_quartiles(oriented, peers)

    assert not growth.any() and not weak.any()  # at most two peers with data


def test_distance_ignores_indicators_one_side_lacks():
    raw = np.array([[0.0, 5.0], [0.1, np.nan], [3.0, 5.0]])

    peers, distances = find_peers(raw, np.array([0.5, 0.5]), np.zeros(3), k=2)

    assert peers[0].tolist() == [1, 2]
    assert distances[0, 0] < distances[0, 1]


def test_distance_needs_half_the_weight_in_common():
    raw = np.array([[0.0, np.nan], [np.nan, 1.0], [0.5, 1.0]])

    peers, _ = find_peers(raw, np.array([0.3, 0.7]), np.zeros(3), k=2)

    # 0 and 1 share nothing; 0 and 2 share only 30 % of the weight.
    assert peers[0].tolist() == [-1, -1]
    assert peers[1].tolist() == [2, -1]


def test_typology_names_clusters_by_what_sets_them_apart():
    method = methodology()
    centres = np.array([[1.2, -0.9], [-1.0, 1.1], [0.1, 0.0]])

    names = name_clusters(centres, method.subindices)

    assert names == [
        "Много детей, далеко от рынков",
        "Близко к рынкам, мало детей",
        "Близкие к средним",
    ]


def test_typology_separates_two_obvious_groups():
    records = [MunicipalityRecord(str(i), 1, population=30_000) for i in range(20)]
    rows = []
    for i in range(20):
        family = i < 10
        rows += [
            Observation(str(i), "kids", 2024, (30 if family else 10) + i % 3),
            Observation(str(i), "old", 2024, (10 if family else 30) + i % 2),
            Observation(str(i), "market_access", 2024, (100 if family else 900) + i),
        ]
    method = methodology()
    method = type(method).from_dict(method.to_dict() | {"clusters": 2})

    a = assess(records, rows, method)

    assert len(set(a.clusters[:10])) == 1 and len(set(a.clusters[10:])) == 1
    assert a.clusters[0] != a.clusters[10]
    names = {t.name for t in a.cluster_types}
    assert names == {"Много детей, далеко от рынков", "Близко к рынкам, мало детей"}
    assert a.result("0").cluster_name == "Много детей, далеко от рынков"
    assert sum(t.size for t in a.cluster_types) == 20


@pytest.mark.parametrize("k", [0, 1])
def test_find_peers_with_tiny_requests(k):
    peers, _ = find_peers(np.array([[1.0], [2.0]]), np.array([1.0]), np.zeros(2), k=k)

    assert peers.shape == (2, k)
