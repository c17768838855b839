"""civicplan: a region's development strategy, written and carried out with its residents."""
