"""Project-wide views computed from cached facts: modules, the import graph, cycles."""
