"""Small-count suppression of published count tables, primary and secondary.

A released table is a set of *items*, each the sum of some *atoms* (the finest cells the counts
are kept at, e.g. parish x category x month). Everything an outsider can see -- cells, row and
column totals, a municipality beside its parishes, a year beside its months, two overlapping
periods, the same figures in a page, a CSV and the API -- is an item of one release, so one call
decides what all of them show.

Primary suppression hides every item whose count is between 1 and ``threshold - 1`` (zero is no
one and is shown). Secondary suppression then hides further items until no hidden small count can
be derived from what is shown: for every primary item, and every atom with a small count, the
interval of values consistent with the published items (non-negative counts, linear equations)
must hold at least ``protection + 1`` whole numbers. This is the *feasibility interval* audit of
cell suppression (Cox 1980; Fischetti & Salazar-Gonzalez 1999, "Models and algorithms for
optimizing cell suppression in tabular data with linear constraints", JASA 95). The algorithm is
a heuristic in two phases, repeated until the audit passes:

1. *relations*: a published sum with exactly one unknown atom left reveals that atom; while such a
   sum touches a hidden item or a small atom, hide its smallest positive sibling (never a zero: a
   zero complement cannot move down and protects nothing), or else the sum itself;
2. *audit*: minimise and maximise each sensitive quantity over the published equations with a
   linear programme (HiGHS), one connected block of equations at a time; a quantity still pinned
   has the narrowest published sum that contains it hidden, and phase 1 runs again.

Items marked ``public`` are already published elsewhere (official statistics): they are never
hidden and count as known to the attacker. A small quantity that the public items alone determine
is public knowledge and is reported in :attr:`Suppression.exposed_by_public` rather than hidden.

The linear programme bounds an attacker who reasons over real numbers; over whole numbers the
interval can only be narrower, so endpoints are rounded inwards (``ceil`` / ``floor``) before
they are compared with ``protection``. Items with the same atoms are one quantity: they are hidden
together. The result depends only on the items and counts, not on their order.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import bmat, coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

__all__ = [
    "Item",
    "Suppression",
    "cube_items",
    "feasible_intervals",
    "suppress",
]

_EPS = 1e-6


@dataclass(frozen=True)
class Item:
    """One published figure: the sum of the counts of ``atoms``.

    ``public`` items are known to everyone already (e.g. the DGPJ total of a municipality) and
    are never hidden.
    """

    key: Hashable
    atoms: frozenset[Hashable]
    public: bool = False


@dataclass(frozen=True)
class Suppression:
    """What may be shown of a release.

    ``values`` maps every item key to its count, or ``None`` when it is hidden.
    """

    values: dict[Hashable, int | None]
    primary: frozenset[Hashable]
    secondary: frozenset[Hashable]
    threshold: int
    protection: int
    exposed_by_public: frozenset[Hashable] = field(default_factory=frozenset)

    def is_hidden(self, key: Hashable) -> bool:
        return self.values[key] is None

    @property
    def hidden(self) -> frozenset[Hashable]:
        return self.primary | self.secondary


def cube_items(
    dimensions: Sequence[Mapping[Hashable, Iterable[Hashable]]],
    *,
    public: Iterable[tuple[Hashable, ...]] = (),
) -> list[Item]:
    """Items of a cross-classified table: one per combination of a node of each dimension.

    Each dimension maps a node (a leaf, a group, a total, or an overlapping period) to the leaves
    it covers. The atoms are the tuples of leaves; an item's key is the tuple of its nodes.
    """
    public_keys = set(public)
    leaf_sets = [{node: frozenset(leaves) for node, leaves in dim.items()} for dim in dimensions]
    items = []
    for combo in product(*(list(d.items()) for d in leaf_sets)):
        key = tuple(node for node, _ in combo)
        atoms = frozenset(product(*(sorted(leaves, key=repr) for _, leaves in combo)))
        items.append(Item(key=key, atoms=atoms, public=key in public_keys))
    return items


class _Release:
    """Items and atoms as integer indices, in an order that does not depend on the input's."""

    def __init__(self, items: Sequence[Item], counts: Mapping[Hashable, int]) -> None:
        atom_keys: set[Hashable] = set()
        seen: set[Hashable] = set()
        for item in items:
            if item.key in seen:
                raise ValueError(f"duplicate item key {item.key!r}")
            seen.add(item.key)
            atom_keys |= item.atoms
        missing = [a for a in atom_keys if a not in counts]
        if missing:
            raise ValueError(f"no count for atom {sorted(missing, key=repr)[0]!r}")
        self.atom_keys = sorted(atom_keys, key=repr)
        index = {a: i for i, a in enumerate(self.atom_keys)}
        self.x = np.array([int(counts[a]) for a in self.atom_keys], dtype=np.int64)
        if (self.x < 0).any():
            raise ValueError("counts must not be negative")
        # One quantity per distinct atom set; items sharing it share its fate.
        groups: dict[frozenset[int], list[Item]] = {}
        for item in sorted(items, key=lambda it: repr(it.key)):
            groups.setdefault(frozenset(index[a] for a in item.atoms), []).append(item)
        ordered = sorted(groups.items(), key=lambda kv: repr(kv[1][0].key))
        self.atoms: list[np.ndarray] = [np.array(sorted(s), dtype=np.int64) for s, _ in ordered]
        self.keys: list[list[Hashable]] = [[it.key for it in its] for _, its in ordered]
        self.public = np.array([any(it.public for it in its) for _, its in ordered], dtype=bool)
        self.value = np.array([int(self.x[a].sum()) for a in self.atoms], dtype=np.int64)
        self.size = np.array([len(a) for a in self.atoms], dtype=np.int64)
        # Which quantities contain each atom.
        self.containing: list[list[int]] = [[] for _ in self.atom_keys]
        for q, atoms in enumerate(self.atoms):
            for a in atoms:
                self.containing[a].append(q)


def _fixed_atoms(rel: _Release, published: np.ndarray) -> np.ndarray:
    """Atoms whose count follows directly: published single atoms and atoms of a published 0."""
    fixed = np.zeros(len(rel.atom_keys), dtype=bool)
    for q in np.flatnonzero(published):
        if rel.size[q] == 1 or rel.value[q] == 0:
            fixed[rel.atoms[q]] = True
    return fixed


class _Audit:
    """What an attacker knows from the published quantities, ready for repeated bounds.

    Unknown atoms that no published sum tells apart form one class: the equations see only
    their total, and any split of it is feasible, so the linear programmes run over classes.
    """

    def __init__(self, rel: _Release, published: np.ndarray) -> None:
        self.rel = rel
        self.fixed = fixed = _fixed_atoms(rel, published)
        classes: dict[tuple[int, ...], int] = {}
        self.class_of = np.full(len(rel.atom_keys), -1, dtype=np.int64)
        for a in np.flatnonzero(~fixed):
            sig = tuple(q for q in rel.containing[a] if published[q])
            self.class_of[a] = classes.setdefault(sig, len(classes))
        self.class_size = np.bincount(self.class_of[~fixed], minlength=len(classes))
        self.class_total = np.bincount(
            self.class_of[~fixed], weights=rel.x[~fixed], minlength=len(classes)
        )
        n = len(classes)
        rows: list[int] = []
        cols: list[int] = []
        rhs: list[float] = []
        for q in np.flatnonzero(published):
            atoms = rel.atoms[q]
            free = np.unique(self.class_of[atoms[~fixed[atoms]]])
            if len(free) == 0:
                continue
            rows.extend([len(rhs)] * len(free))
            cols.extend(free.tolist())
            rhs.append(float(rel.value[q] - rel.x[atoms[fixed[atoms]]].sum()))
        m = len(rhs)
        self.a_eq = csr_matrix(
            coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, n)), dtype=np.float64
        )
        self.a_csc = self.a_eq.tocsc()
        self.b_eq = np.array(rhs, dtype=np.float64)
        self.constrained = np.zeros(n, dtype=bool)
        if m:
            self.constrained[np.unique(self.a_eq.indices)] = True
            # Classes and equations as one bipartite graph (A^T A is dense under a grand total).
            link = bmat([[None, self.a_eq.T], [self.a_eq, None]], format="csr")
            _, labels = connected_components(link, directed=False)
            self.block = labels[:n]
        else:
            self.block = np.arange(n)
        self._blocks: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _lp(self, b: int, weights: dict[int, float], sense: int) -> float:
        if b not in self._blocks:
            members = np.flatnonzero(self.block == b)
            eq_rows = np.unique(self.a_csc[:, members].indices)
            self._blocks[b] = (members, eq_rows)
        members, eq_rows = self._blocks[b]
        pos = {int(v): i for i, v in enumerate(members)}
        c = np.zeros(len(members))
        for v, w in weights.items():
            c[pos[v]] = sense * w
        res = linprog(
            c,
            A_eq=self.a_eq[eq_rows][:, members],
            b_eq=self.b_eq[eq_rows],
            bounds=(0, None),
            method="highs",
        )
        if res.status == 3:
            return math.inf
        if res.status != 0:
            raise RuntimeError(f"suppression audit failed: {res.message}")
        return float(sense * res.fun)

    def _split(self, atoms: np.ndarray) -> tuple[float, dict[int, int], dict[int, int]]:
        fixed = self.fixed[atoms]
        known = float(self.rel.x[atoms[fixed]].sum())
        inside = np.bincount(self.class_of[atoms[~fixed]], minlength=len(self.class_size))
        full = {int(k): 1 for k in np.flatnonzero((inside > 0) & (inside == self.class_size))}
        part = {int(k): 1 for k in np.flatnonzero((inside > 0) & (inside < self.class_size))}
        return known, full, part

    def upper(self, atoms: np.ndarray) -> float:
        known, full, part = self._split(atoms)
        touched = {**full, **part}
        if any(not self.constrained[k] for k in touched):
            return math.inf
        total = known
        for b in sorted({int(self.block[k]) for k in touched}):
            weights = {k: 1.0 for k in touched if self.block[k] == b}
            total += self._lp(b, weights, -1)
            if total == math.inf:
                return total
        return total

    def lower(self, atoms: np.ndarray) -> float:
        # A class only partly inside the quantity can put all of its count outside.
        known, full, _ = self._split(atoms)
        total = known
        for b in sorted({int(self.block[k]) for k in full if self.constrained[k]}):
            weights = {k: 1.0 for k in full if self.block[k] == b}
            total += self._lp(b, weights, 1)
        return total

    def protected(self, atoms: np.ndarray, protection: int) -> bool:
        truth = int(self.rel.x[atoms].sum())
        if protection == 1:
            # A class partly inside with any count can move one whole unit across the border.
            _, _, part = self._split(atoms)
            if any(self.class_total[k] > 0 for k in part):
                return True
        hi = self.upper(atoms)
        if hi == math.inf or math.floor(hi + _EPS) - truth >= protection:
            return True
        lo = self.lower(atoms)
        return math.floor(hi + _EPS) - math.ceil(lo - _EPS) >= protection


def _relations(rel: _Release, published: np.ndarray, sensitive_atom: np.ndarray) -> None:
    """Phase 1: no published sum may reveal a hidden or small atom as its one unknown."""
    while True:
        fixed = _fixed_atoms(rel, published)
        watched = sensitive_atom.copy()
        for q in np.flatnonzero(~published):
            watched[rel.atoms[q]] = True
        changed = False
        for q in np.flatnonzero(published):
            if not published[q]:
                continue
            atoms = rel.atoms[q]
            free = atoms[~fixed[atoms]]
            if len(free) != 1 or not watched[free[0]]:
                continue
            pinned = int(free[0])
            # A sibling: a published, suppressible, positive single atom of this sum.
            best = None
            for a in atoms:
                if a == pinned or rel.x[a] == 0:
                    continue
                for s in rel.containing[a]:
                    if rel.size[s] == 1 and published[s] and not rel.public[s]:
                        cand = (int(rel.value[s]), repr(rel.keys[s][0]), s)
                        if best is None or cand < best:
                            best = cand
            if best is not None:
                hide = best[2]
            elif not rel.public[q]:
                hide = q
            else:
                continue
            published[hide] = False
            changed = True
            # The hidden quantity's atoms are unknown now (unless a published zero fixes them).
            for a in rel.atoms[hide]:
                watched[a] = True
                if not any(
                    published[s] and (rel.size[s] == 1 or rel.value[s] == 0)
                    for s in rel.containing[a]
                ):
                    fixed[a] = False
        if not changed:
            return


def feasible_intervals(
    items: Sequence[Item],
    counts: Mapping[Hashable, int],
    published: Iterable[Hashable],
) -> dict[Hashable, tuple[float, float]]:
    """The interval an attacker can infer for every item, given the published item keys.

    The bounds of a linear programme over non-negative real counts (an outer bound of what whole
    numbers allow).
    """
    rel = _Release(items, counts)
    shown = set(published)
    pub = np.array([any(k in shown for k in keys) for keys in rel.keys], dtype=bool)
    audit = _Audit(rel, pub)
    return {
        k: (audit.lower(atoms), audit.upper(atoms))
        for atoms, keys in zip(rel.atoms, rel.keys, strict=True)
        for k in keys
    }


def suppress(
    items: Sequence[Item],
    counts: Mapping[Hashable, int],
    *,
    threshold: int,
    protection: int = 1,
    protect_atoms: bool = True,
) -> Suppression:
    """Hide small counts and enough other items that no small count can be derived.

    Parameters
    ----------
    items
        Every figure of the release (cells, totals, overlapping periods), each the sum of atoms.
    counts
        The count of every atom.
    threshold
        Counts from 1 to ``threshold - 1`` are hidden (``LOCALSAFETY_SMALL_COUNT_THRESHOLD``).
    protection
        A hidden small count must stay uncertain over at least ``protection + 1`` whole numbers.
    protect_atoms
        Also protect small atoms that are no item of their own (a month that two overlapping
        periods would reveal by difference).
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    if protection < 1:
        raise ValueError("protection must be at least 1")
    rel = _Release(items, counts)
    nq = len(rel.atoms)
    small = (rel.value > 0) & (rel.value < threshold)
    primary = small & ~rel.public
    published = ~primary
    sensitive_atom = (rel.x > 0) & (rel.x < threshold)
    if not protect_atoms:
        sensitive_atom[:] = False
    # Quantities whose protection is checked: small items and small atoms.
    targets: list[np.ndarray] = [rel.atoms[q] for q in np.flatnonzero(small)]
    targets += [np.array([a]) for a in np.flatnonzero(sensitive_atom)]
    public_audit = _Audit(rel, rel.public.copy())
    given_up = [not public_audit.protected(t, protection) for t in targets]
    # Hiding more only widens intervals: a quantity once protected stays so.
    open_targets = [i for i, g in enumerate(given_up) if not g]
    while True:
        _relations(rel, published, sensitive_atom)
        audit = _Audit(rel, published)
        failing = [i for i in open_targets if not audit.protected(targets[i], protection)]
        if not failing:
            break
        for i in failing:
            atoms = set(targets[i].tolist())
            touching = {q for a in atoms for q in rel.containing[a]}
            cands = [q for q in sorted(touching) if published[q] and not rel.public[q]]
            if not cands:
                given_up[i] = True
                continue
            # The narrowest published sum that contains the quantity, else one that touches it.
            covering = [q for q in cands if atoms <= set(rel.atoms[q].tolist())]
            pool = covering or cands
            q = min(pool, key=lambda q: (int(rel.size[q]), int(rel.value[q]), repr(rel.keys[q][0])))
            published[q] = False
        open_targets = [i for i in failing if not given_up[i]]
    exposed = {
        k
        for i, g in enumerate(given_up)
        if g
        for q in range(nq)
        if np.array_equal(rel.atoms[q], targets[i])
        for k in rel.keys[q]
    }
    values: dict[Hashable, int | None] = {}
    prim: set[Hashable] = set()
    sec: set[Hashable] = set()
    for q in range(nq):
        for k in rel.keys[q]:
            values[k] = int(rel.value[q]) if published[q] else None
            if primary[q]:
                prim.add(k)
            elif not published[q]:
                sec.add(k)
    return Suppression(
        values=values,
        primary=frozenset(prim),
        secondary=frozenset(sec),
        threshold=threshold,
        protection=protection,
        exposed_by_public=frozenset(exposed),
    )
