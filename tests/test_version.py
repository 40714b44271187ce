"""VersionOrder, VersionSpec and BuildNumberMatch against conda 25.1's behaviour.

Expected values come from conda's documentation and from running the reference conda (recorded
in tests/data/grammar/versions.json, a sample of real repodata versions).
"""

from __future__ import annotations

import json
import pickle
from itertools import zip_longest

import pytest
from conda_exports import VersionOrder, normalized_version
from conda_exports.exceptions import CondaError, InvalidSpec, InvalidVersionSpec
from conda_exports.models.version import BuildNumberMatch, VersionSpec, treeify, untreeify, ver_eval
from hypothesis import given, settings
from hypothesis import strategies as st

# ascending; "==" marks a version equal to the previous one
ORDERED = """
0.4
0.4.0 ==
0.4.1.rc
0.4.1.RC ==
0.4.1
0.5a1
0.5b3
0.5C1
0.5
0.9.6
0.960923
1.0
1.1dev1
1.1_
1.1a1
1.1.0dev1
1.1.dev1 ==
1.1.a1
1.1.0rc1
1.1.0
1.1 ==
1.1.0post1
1.1.post1 ==
1.1post1
1996.07.12
1!0.4.1
1!3.1.1.6
2!0.4.1
"""


def _ordered_table() -> list[tuple[str, bool]]:
    rows = []
    for line in ORDERED.strip().splitlines():
        parts = line.split()
        rows.append((parts[0], len(parts) > 1))
    return rows


def test_documented_order() -> None:
    rows = _ordered_table()
    for (a, _), (b, equal) in zip(rows, rows[1:]):
        va, vb = VersionOrder(a), VersionOrder(b)
        if equal:
            assert va == vb and hash(va) == hash(vb) and not va < vb and not vb < va, (a, b)
        else:
            assert va < vb and vb > va and va <= vb and va != vb and not vb <= va, (a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.1", "1.1.0"),
        ("1.1.0", "1.1.0.0.0"),
        ("1.1.a1", "1.1.0a1"),
        ("1.0-2", "1.0_2"),
        ("1.0-2", "1.0.2"),
        ("0!1.0", "1.0"),
        ("1.0+0", "1.0"),
        ("1.0A", "1.0a"),
        ("1.0dev", "1.0DEV"),
        ("01.1", "1.1"),
    ],
)
def test_equal_versions(a: str, b: str) -> None:
    assert VersionOrder(a) == VersionOrder(b)
    assert hash(VersionOrder(a)) == hash(VersionOrder(b))


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("1.0a", "1.0"),  # a string below the implicit 0
        ("1.0.dev", "1.0.a"),  # dev below every other string
        ("1.0.*", "1.0.dev"),  # '*' sorts below 'DEV'
        ("1.0_", "1.0a"),  # openssl style
        ("1.0.1a0post", "1.0.1"),  # a letter after the number sorts before plain 1.0.1
        ("1.0+a", "1.0+1"),  # local versions compare like versions
        ("1.0+1", "1.0.1"),  # the local part counts only when the versions are equal
        ("9999999999999999999999.1", "10000000000000000000000"),
        ("1.0post1", "1!0.1"),
        ("2023.12.31", "2024.01.01"),
    ],
)
def test_less_than(low: str, high: str) -> None:
    assert VersionOrder(low) < VersionOrder(high)
    assert not VersionOrder(high) < VersionOrder(low)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [("1.0", "1.0"), (" 1.0RC1 ", "1.0rc1"), ("1.0-2", "1.0_2"), ("1!1.0+ABC", "1!1.0+abc"), ("1.0\n", "1.0")],
)
def test_str_is_normalised(text: str, normalised: str) -> None:
    vo = VersionOrder(text)
    assert str(vo) == normalised
    assert repr(vo) == f'VersionOrder("{normalised}")'
    assert normalized_version(text) is vo


def test_components() -> None:
    vo = VersionOrder("1.2g.beta15.rc")
    assert vo.version == [[0], [1], [2, "g"], [0, "beta", 15], [0, "rc"]]
    assert vo.local == []
    vo = VersionOrder("1!2.15.1_ALPHA")
    assert vo.version == [[1], [2], [15], [1], [0, "alpha"]]  # conda's docstring says [1, "_alpha"]; conda does this
    vo = VersionOrder("1.0post1.dev+local.7")
    assert vo.version == [[0], [1], [0, float("inf"), 1], [0, "DEV"]]
    assert vo.local == [[0, "local"], [7]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Invalid version '': empty version string"),
        ("   ", "Invalid version '   ': empty version string"),
        ("1.0 2", "invalid character(s)"),
        ("1.0-2_3", "invalid character(s)"),
        ("1.0$", "invalid character(s)"),
        ("1..0", "empty version component"),
        ("1.", "empty version component"),
        (".1", "empty version component"),
        ("1.0+", "empty version component"),
        ("a!1.0", "epoch must be an integer"),
        ("!1", "epoch must be an integer"),
        ("1!2!3", "duplicated epoch separator '!'"),
        ("1+2+3", "duplicated local version separator '+'"),
        ("+1", "Missing version before local version separator '+'"),
        ("1!+1", "Missing version before local version separator '+'"),
    ],
)
def test_invalid_versions(text: str, message: str) -> None:
    with pytest.raises(InvalidVersionSpec) as info:
        VersionOrder(text)
    assert message in str(info.value)
    assert isinstance(info.value, (CondaError, ValueError))


def test_not_a_string() -> None:
    with pytest.raises(TypeError):
        VersionOrder(1.0)  # type: ignore[arg-type]


def test_cached_and_picklable() -> None:
    assert VersionOrder("3.2.1") is VersionOrder("3.2.1")
    assert VersionOrder(VersionOrder("3.2.1")) is VersionOrder("3.2.1")
    assert pickle.loads(pickle.dumps(VersionOrder("3.2.1"))) == VersionOrder("3.2.1")


def test_how_an_instance_is_made() -> None:
    # the compiled backend's __new__ is a builtin; what it does not make itself (keywords,
    # subclasses, str subclasses, text it has no key for) it hands to the Python one
    import gc
    import weakref

    made = VersionOrder("4.5.6")
    assert VersionOrder.__new__(VersionOrder, "4.5.6") is made and VersionOrder(vstr="4.5.6") is made
    assert VersionOrder(type("Text", (str,), {})("4.5.6")) is made

    class Later(VersionOrder):
        __slots__ = ()

    assert type(Later("4.5.7")) is Later and VersionOrder("4.5.7") is VersionOrder._cache_["4.5.7"]
    assert Later("4.5.6") is made  # one cache for the class and its subclasses, as in conda
    with pytest.raises(TypeError, match="VersionOrder needs a str, not bytes"):
        VersionOrder(b"4.5.6")
    with pytest.raises(TypeError):
        VersionOrder()  # type: ignore[call-arg]
    with pytest.raises(InvalidVersionSpec, match="Invalid version '4..5'"):
        VersionOrder("4..5")
    assert str(VersionOrder("1.0\u212a")) == "1.0k"  # non-ASCII text (a Kelvin sign): Python's grammar
    gc.collect()
    assert weakref.ref(made)() is made and made.version == [[0], [4], [5], [6]]
    assert VersionOrder(" 4.5.6-A ").norm_version == "4.5.6_a"


def test_cache_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from conda_exports.models import version

    monkeypatch.setattr(version, "_CACHE_LIMIT", 3)
    version._bind_new()
    try:
        VersionOrder._cache_.clear()
        made = [VersionOrder(f"1.{i}") for i in range(10)]
        assert 1 <= len(VersionOrder._cache_) <= 3 and VersionOrder("1.9") is made[-1]
        assert [str(v) for v in made] == [f"1.{i}" for i in range(10)]
    finally:
        monkeypatch.undo()
        version._bind_new()
        VersionOrder._cache_.clear()


def test_comparisons_with_other_types() -> None:
    vo = VersionOrder("1.0")
    assert vo != "1.0"
    assert not vo == "1.0"
    assert not vo < "2.0"  # conda: never less than a non-version
    with pytest.raises(TypeError):
        vo > 1  # noqa: B015


@pytest.mark.parametrize(
    ("version", "prefix", "expected"),
    [
        ("1.2.3", "1.2", True),
        ("1.2", "1.2", True),
        ("1.20", "1.2", False),
        ("1.2.3", "1.3", False),
        ("1.2a1", "1.2a", True),
        ("1.2alpha", "1.2a", True),
        ("1.2", "1.2a", False),
        ("1.2.0", "1.2.0", True),
        ("1.2+local.1", "1.2+local", True),
        ("1.3+local", "1.2+local", False),
        ("1!1.2", "1.2", False),
    ],
)
def test_startswith(version: str, prefix: str, expected: bool) -> None:
    assert VersionOrder(version).startswith(VersionOrder(prefix)) is expected


# -- VersionSpec --------------------------------------------------------------

MATCHES = [
    ("1.2", "1.2", True),
    ("1.2", "1.2.0", True),
    ("1.2", "1.2.1", False),
    ("==1.2", "1.2.0", True),
    ("!=1.2", "1.2.0", False),
    ("!=1.2", "1.3", True),
    (">1.2", "1.2.1", True),
    (">1.2", "1.2", False),
    (">=1.2", "1.2", True),
    ("<1.2", "1.2a", True),
    ("<1.2", "1.2", False),
    ("<=1.2", "1.2.0", True),
    ("~=1.2.3", "1.2.4", True),
    ("~=1.2.3", "1.3", False),
    ("~=1.2.3", "1.2.2", False),
    ("1.2.*", "1.2.5", True),
    ("1.2.*", "1.2", True),
    ("1.2.*", "1.20", False),
    ("1.2*", "1.2.5", True),
    ("=1.2", "1.2.5", True),
    ("=1.2", "1.3", False),
    ("=1.2.*", "1.2.5", True),
    (">=1.2.*", "1.3", True),
    ("!=1.2.*", "1.2.5", False),
    ("!=1.2.*", "1.3", True),
    ("*", "anything", True),
    ("1.*.2", "1.7.2", True),
    ("1.*.2", "1.7.3", False),
    ("*.2", "1.2", True),
    ("^1\\.2\\.[0-9]+$", "1.2.33", True),
    ("^1\\.2\\.[0-9]+$", "1.2.a", False),
    (">=1.0,<2", "1.5", True),
    (">=1.0,<2", "2.0", False),
    ("<1|>2", "3", True),
    ("<1|>2", "1.5", False),
    ("1.0|1.1,1.2", "1.0", True),  # ',' binds tighter than '|'
    ("(1.0|1.1),1.2", "1.0", False),
    ("(1.0|1.1),1.1", "1.1", True),
    ("1.0@abc", "1.0@abc", True),
    ("1.0@abc", "1.0", False),
]


@pytest.mark.parametrize(("spec", "version", "expected"), MATCHES)
def test_version_spec_match(spec: str, version: str, expected: bool) -> None:
    assert VersionSpec(spec).match(version) is expected
    assert ver_eval(version, spec) is expected


@pytest.mark.parametrize(
    ("spec", "text", "exact"),
    [
        ("1.2", "1.2", "1.2"),
        ("==1.2", "==1.2", "==1.2"),
        ("1.2*", "1.2.*", None),
        ("1.2.*", "1.2.*", None),
        ("**", "*.*", None),
        ("=1.2", "=1.2", None),
        (" >=1.0 , <2 ", ">=1.0,<2", None),
        ("(1.6|1.7),1.8", "1.6|1.7,1.8", None),  # conda drops these parentheses in str()
        ("((1.6,1.7)|1.8),1.9", "1.6,1.7|1.8,1.9", None),
        ("1.5|(1.6|1.7),1.8", "1.5|1.6|1.7,1.8", None),
        ("(1.2)(1.3)", "1.2", "1.2"),  # conda keeps the first of two juxtaposed groups
        ("1.0@abc", "1.0@abc", "1.0@abc"),
    ],
)
def test_version_spec_text(spec: str, text: str, exact: str | None) -> None:
    vs = VersionSpec(spec)
    assert str(vs) == text
    assert vs.exact_value == exact
    assert vs.is_exact() is (exact is not None)
    assert vs == text
    assert hash(vs) == hash(text)
    assert repr(vs) == f"VersionSpec('{text}')"


def test_treeify_round_trip() -> None:
    tree = treeify("1.5|(1.6|1.7),1.8,1.9|2.0|2.1")
    assert tree == ("|", "1.5", (",", ("|", "1.6", "1.7"), "1.8", "1.9"), "2.0", "2.1")
    assert untreeify(tree) == "1.5|((1.6|1.7),1.8,1.9)|2.0|2.1"
    assert treeify("1.2.3") == "1.2.3"
    assert treeify("(1.2.3|4.5.6),<=7.8.9") == (",", ("|", "1.2.3", "4.5.6"), "<=7.8.9")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty version spec"),  # conda: IndexError (deliberately typed here)
        (">= 1", "invalid operator"),
        ("<>1", "invalid operator"),
        ("~=1.2.*", "invalid operator with '.*'"),
        ("1.2$", "regex specs must start with '^' and end with '$'"),
        ("^1.2", "regex specs must start with '^' and end with '$'"),
        ("^1($", "invalid regular expression"),  # conda: re.error
        ("1[*2", "invalid regular expression"),
        ("1,", "cannot join single expression"),
        ("|1", "cannot join single expression"),
        ("(1", "unable to convert to expression tree"),
        ("1)", "expression must start with '('"),
        ("()", "unable to determine version from spec"),
        ("1..2", "empty version component"),
        (">=1.0,<2..0", "empty version component"),
    ],
)
def test_invalid_version_specs(spec: str, message: str) -> None:
    with pytest.raises(InvalidVersionSpec) as info:
        VersionSpec(spec)
    assert message in str(info.value)


def test_compatible_release_needs_a_series() -> None:
    # as in conda, '~=1' builds but cannot match: its series is the empty version
    vs = VersionSpec("~=1")
    with pytest.raises(InvalidVersionSpec):
        vs.match("1.5")


def test_merge_and_union() -> None:
    merged = VersionSpec(">=1.0").merge(VersionSpec("<2"))
    assert str(merged) == "<2,>=1.0"
    assert merged.match("1.5") and not merged.match("2.1")
    assert VersionSpec("1.0").merge(VersionSpec("1.0")) is VersionSpec("1.0")
    assert VersionSpec("1.1").union(VersionSpec("1.0")) == "1.0|1.1"


@pytest.mark.parametrize(
    ("spec", "value", "expected", "exact"),
    [
        ("3", 3, True, 3),
        (3, 4, False, 3),
        (" 2 ", 2, True, 2),
        (">=3", 3, True, None),
        (">=3", 2, False, None),
        ("!=1", 2, True, None),
        ("*", 9, True, None),
        ("^1[0-9]$", 12, True, None),  # conda raises TypeError here; matched against str(value)
        ("abc", 1, False, None),
    ],
)
def test_build_number_match(spec: object, value: int, expected: bool, exact: int | None) -> None:
    bm = BuildNumberMatch(spec)
    assert bool(bm.match(value)) is expected
    assert bm.exact_value == exact


def test_build_number_errors() -> None:
    with pytest.raises(InvalidVersionSpec):
        BuildNumberMatch(">= 1")
    with pytest.raises(InvalidVersionSpec):
        BuildNumberMatch("^1")
    with pytest.raises(InvalidVersionSpec):
        BuildNumberMatch("")


# -- harvested real versions -----------------------------------------------------


@pytest.fixture(scope="module")
def harvested(data_dir):  # type: ignore[no-untyped-def]
    return json.loads((data_dir / "grammar" / "versions.json").read_text())


def test_harvested_versions_parse(harvested: dict) -> None:
    assert len(harvested["versions"]) == 500
    for v in harvested["versions"]:
        vo = VersionOrder(v)
        assert str(vo) in (v.lower(), v.lower().replace("-", "_"))
        assert VersionOrder(str(vo)) == vo


def test_harvested_sort_matches_conda(harvested: dict) -> None:
    assert sorted(harvested["versions"], key=VersionOrder) == harvested["sorted"]
    # stable: sorting the sorted list again, or the reversed list, gives the same classes
    again = sorted(harvested["sorted"], key=VersionOrder)
    assert again == harvested["sorted"]
    rev = sorted(reversed(harvested["versions"]), key=VersionOrder)
    assert [VersionOrder(v) for v in rev] == [VersionOrder(v) for v in harvested["sorted"]]


# -- properties ----------------------------------------------------------------

_parts = st.sampled_from(["0", "1", "2", "10", "007", "a", "b", "rc", "dev", "post", "alpha", "_", "*"])
_component = st.lists(_parts, min_size=1, max_size=3).map("".join).filter(lambda c: c not in ("_",))
_release = st.lists(_component, min_size=1, max_size=5).map(".".join)
versions = st.builds(
    lambda epoch, release, local: f"{epoch}{release}{local}",
    st.sampled_from(["", "", "0!", "1!", "2!"]),
    _release,
    st.one_of(st.just(""), _release.map(lambda r: "+" + r)),
)


def _valid(text: str) -> VersionOrder | None:
    try:
        return VersionOrder(text)
    except InvalidVersionSpec:
        return None


def _slow_cmp(a: VersionOrder, b: VersionOrder) -> int:
    """conda's documented walk over zero-padded components, written out longhand."""
    for x, y in ((a.version, b.version), (a.local, b.local)):
        for ca, cb in zip_longest(x, y, fillvalue=[]):
            for ia, ib in zip_longest(ca, cb, fillvalue=0):
                if ia == ib:
                    continue
                a_str, b_str = isinstance(ia, str), isinstance(ib, str)
                if a_str != b_str:
                    return -1 if a_str else 1
                return -1 if ia < ib else 1
    return 0


@settings(max_examples=400, deadline=None)
@given(versions, versions, versions)
def test_total_order_consistent_with_eq_and_hash(a: str, b: str, c: str) -> None:
    va, vb, vc = _valid(a), _valid(b), _valid(c)
    if va is None or vb is None or vc is None:
        return
    expected = _slow_cmp(va, vb)
    assert (va < vb, va == vb, va > vb) == (expected < 0, expected == 0, expected > 0)
    assert sum((va < vb, va == vb, va > vb)) == 1
    if va == vb:
        assert hash(va) == hash(vb)
    assert (va <= vb) == (not vb < va)
    if va <= vb and vb <= vc:
        assert va <= vc


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_arbitrary_text_raises_only_documented_errors(text: str) -> None:
    try:
        VersionOrder(text)
    except InvalidVersionSpec:
        pass
    try:
        VersionSpec(text).match("1.0")
    except InvalidSpec:
        pass
    try:
        BuildNumberMatch(text).match(1)
    except InvalidSpec:
        pass


# -- the two kernels ---------------------------------------------------------------


def _kernels() -> tuple:
    from conda_exports import _backend
    from conda_exports._fallback import version as fallback

    core = _backend._load_extension()
    if core is None:
        pytest.skip("the compiled extension is not installed")
    return core, fallback


def test_kernels_agree_on_harvested(harvested: dict) -> None:
    core, fallback = _kernels()
    texts = harvested["versions"] + [
        "1.0-2",
        " 1.0RC1 ",
        "1!2.0+Local_7",
        "2.0post",
        "1.0dev",
        "1_",
        "x..y",
        "+1",
        "1.\u212a",
    ]
    assert core.version_keys(texts) == [fallback.version_key(t) if t.isascii() else None for t in texts]
    assert [core.version_key(t) for t in texts] == core.version_keys(texts)


@settings(max_examples=500, deadline=None)
@given(st.one_of(versions, st.text(alphabet=st.sampled_from(list("0123456789.-_+!*abdepostrcAZ \t")), max_size=16)))
def test_kernels_agree(text: str) -> None:
    core, fallback = _kernels()
    assert core.version_key(text) == fallback.version_key(text)


def test_non_ascii_left_to_python() -> None:
    # U+212A KELVIN SIGN lower-cases to 'k' in Python, so conda accepts it
    assert str(VersionOrder("1.\u212a")) == "1.k"
    assert VersionOrder("1.\u212a") == VersionOrder("1.k")


def test_many() -> None:
    texts = ["1.0", "2.0", "1.0.0", "3.0a"]
    assert VersionOrder._many(texts) == [VersionOrder(t) for t in texts]
    with pytest.raises(InvalidVersionSpec, match="empty version component"):
        VersionOrder._many(["1.0", "1..2"])


def test_compatible_release_only_parses_its_series_when_needed() -> None:
    # conda checks ">= target" first; the (invalid, empty) series of '~=2' is never parsed for 1.5
    assert VersionSpec("~=2").match("1.5") is False
    with pytest.raises(InvalidVersionSpec):
        VersionSpec("~=2").match("2.5")


# -- both backends, any text (issue 12) ----------------------------------------------

# conda 25.1.1's exact errors (recorded by running it)
_INT_LIMIT = (
    "Exceeds the limit (4300 digits) for integer string conversion: value has {} digits; "
    "use sys.set_int_max_str_digits() to increase the limit"
)
_GRAMMAR = list("0123456789.-_+!*abcdeoprstvzAZ \t\n\x00\x1f") + ["\udcff", "\u212a", "\xe9", "post", "dev"]


def _digit_run(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(["1", "0", "9"])) * draw(st.integers(4290, 4310))


_texts = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(_GRAMMAR), max_size=30).map("".join),
    st.builds(
        lambda head, run, tail: head + run + tail,
        st.lists(st.sampled_from(_GRAMMAR), max_size=4).map("".join),
        st.composite(_digit_run)(),
        st.lists(st.sampled_from(_GRAMMAR), max_size=4).map("".join),
    ),
    st.builds(
        lambda unit, n: unit * n, st.sampled_from(["1a", "1.", "a1_", "0", "1!", "+1", "1-", "*"]), st.integers(1, 3000)
    ),
)


def _outcome(fn: object, text: str) -> tuple:
    try:
        result = fn(text)  # type: ignore[operator]
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return type(exc), str(exc)
    if isinstance(result, VersionOrder):
        return str(result), result._key, result.version, result.local
    matches = []
    # A VersionSpec: matching may raise too (`0 *` matching "0 *"). A `^...$` spec is the
    # user's own regular expression, which Python's re (conda's too) may take exponential
    # time to match against a long text, so it meets only the short candidate.
    candidates = ("1.0",) if "^" in text else ("1.0", text)
    for candidate in candidates:
        try:
            matches.append(result.match(candidate))
        except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
            matches.append((type(exc), str(exc)))
    return str(result), *matches


def _on(backend: str, fn: object, text: str) -> tuple:
    from conda_exports import _backend

    previous = _backend.BACKEND
    _backend.activate(backend)  # empties the caches
    try:
        return _outcome(fn, text)
    finally:
        _backend.activate(previous)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_backends_agree_on_any_text(text: str) -> None:
    _kernels()
    for fn in (VersionOrder, normalized_version, VersionSpec):
        assert _on("rust", fn, text) == _on("python", fn, text), (fn, text)


@pytest.mark.parametrize("text", ["1.0\udcff", "\udcff", "1.0\x00", " \x00"])
def test_lone_surrogate_and_nul_are_invalid(text: str) -> None:
    with pytest.raises(InvalidVersionSpec) as info:
        VersionOrder(text)
    assert str(info.value) == f"Invalid version '{text}': invalid character(s)"
    with pytest.raises(InvalidVersionSpec):
        normalized_version(text)


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("1" * 4301, 4301),
        ("1" * 5000, 5000),
        ("0" * 5000, 5000),
        ("0" * 4299 + "12", 4301),
        ("1." + "1" * 5000, 5000),
        ("1" * 5000 + "!1", 5000),
        ("1+a" + "2" * 5000, 5000),
        ("1" * 2_000_000, 2_000_000),  # minutes if the number were converted quadratically
    ],
)
def test_digit_runs_over_the_int_limit(text: str, digits: int) -> None:
    message = _INT_LIMIT.format(digits)
    for fn in (VersionOrder, normalized_version, VersionSpec, lambda t: VersionSpec(">=" + t)):
        with pytest.raises(ValueError) as info:
            fn(text)
        assert type(info.value) is ValueError and str(info.value) == message
    with pytest.raises(ValueError, match="Exceeds the limit"):
        VersionSpec(">=1").match(text)


def test_digit_runs_at_the_int_limit() -> None:
    assert VersionOrder("1" * 4300) < VersionOrder("1" * 4300 + ".1") < VersionOrder("1" * 4299 + "2")
    assert VersionOrder("1" * 4300).version == [[0], [int("1" * 4300)]]
    # conda's order of errors: an empty component found before the long run wins
    with pytest.raises(InvalidVersionSpec, match="empty version component"):
        VersionOrder("1.." + "1" * 5000)


def test_the_int_limit_is_the_current_one() -> None:
    import sys

    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("no int-string limit in this Python")
    previous = sys.get_int_max_str_digits()
    try:
        sys.set_int_max_str_digits(6000)
        assert VersionOrder("1" * 5000) < VersionOrder("2" + "0" * 4999)
        with pytest.raises(ValueError, match="value has 6001 digits"):
            VersionOrder("1" * 6001)
        sys.set_int_max_str_digits(0)  # no limit, as in conda
        assert str(VersionOrder("1" * 300_000)) == "1" * 300_000
    finally:
        sys.set_int_max_str_digits(previous)
        VersionOrder._cache_.clear()  # what it parsed under the other limits stays cached, as in conda


def test_long_inputs() -> None:
    # each takes minutes when parsing is quadratic in the length (no timing asserted here)
    alternating = "1a" * 500_000  # 1 MB
    vo = VersionOrder(alternating)
    assert str(vo) == alternating
    assert vo == VersionOrder(alternating + "0") and vo < VersionOrder(alternating + "1")
    assert VersionOrder("1A" * 500_000) == vo
    dotted = "12." * 600_000 + "7"
    assert VersionOrder(dotted) < VersionOrder(dotted + ".1") and VersionOrder(dotted) == VersionOrder(dotted + ".0")
    mixed = "1.a-" * 400_000 + "2"  # dashes read as underscores, many components with letters
    assert str(VersionOrder(mixed)) == mixed.replace("-", "_")
    spaced = " " * 1_000_000 + "1.0" + "\t" * 1_000_000
    assert str(VersionOrder(spaced)) == "1.0"


# -- and/or expressions and globs in linear time --------------------------------------


def test_long_and_or_expressions() -> None:
    # minutes each when the tokenizer rescans to the end from every "^" (no timing asserted)
    for text in ("^," * 100_000, "(^|" * 100_000, "$" + "^|" * 100_000):
        with pytest.raises(InvalidVersionSpec):
            VersionSpec(text)
    regex_after_one = VersionSpec("1,^" + "1,^" * 20_000 + "$")  # "1" and one regex up to the "$"
    assert regex_after_one.tup[1].spec_str == "^" + "1,^" * 20_000 + "$"
    nested = VersionSpec("(" * 20_000 + ",".join(["1.*", "!=1.5"] * 10_000) + ")" * 20_000)
    assert nested.match("1.4") and not nested.match("1.5")
    many = "|".join(["1.*", ">=2,<3"] * 5_000)
    assert VersionSpec(many).match("2.5") and not VersionSpec(many).match("3.0")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("^$ ,|()\t\n1a.*") + ["\u2003", "\x1c", ">="]), max_size=20).map("".join))
def test_tokens_are_the_findall_tokens(text: str) -> None:
    from conda_exports.models import version

    assert version._tokens(text) == version._TOKENS.findall(text)


_GLOB_ALPHABET = list("1a.*+-_ \n\r\u212a") + ["ab", "1.2"]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_GLOB_ALPHABET), min_size=1, max_size=10).map("".join),
    st.lists(st.lists(st.sampled_from(_GLOB_ALPHABET), max_size=12).map("".join), max_size=5),
)
def test_glob_matches_as_its_regex(spec: str, candidates: list[str]) -> None:
    try:
        vs = VersionSpec(spec)
    except (InvalidVersionSpec, ValueError):
        return
    if vs.regex is None or "^" in vs.spec_str:
        return
    for candidate in (*candidates, spec, spec + "\n", spec.replace("*", "")):
        assert vs.match(candidate) == (vs.regex.match(candidate) is not None), (vs.spec_str, candidate)


def test_glob_on_long_texts() -> None:
    # conda's regex backtracks over every ".*": years for these (no timing asserted)
    stars = VersionSpec("1*" * 40 + "2")
    assert not stars.match("1" * 100_000) and stars.match("1" * 100_000 + "2")
    long = "**" + "1" * 4290 + "__*"
    assert VersionSpec(long).match(long) and not VersionSpec(long).match(long[:-3])
    assert VersionSpec("1.*.a*").match("1.2.a3") and not VersionSpec("1.*.a*").match("1.2.b3")
