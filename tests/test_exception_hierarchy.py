"""The exceptions conda.exports re-exports: conda 25.1's class hierarchy, signatures and texts."""

from __future__ import annotations

import datetime

import conda_exports
import pytest
from conda_exports import exceptions as exc

# no kernel is involved, so one backend is enough
pytestmark = pytest.mark.one_backend

# name -> the bases conda 25.1 gives it (in MRO order, up to Exception)
HIERARCHY = {
    "CondaError": ("Exception",),
    "CondaMultiError": ("CondaError", "Exception"),
    "CondaOSError": ("CondaError", "OSError", "Exception"),
    "PathNotFoundError": ("CondaError", "OSError", "Exception"),
    "PaddingError": ("CondaError", "Exception"),
    "LinkError": ("CondaError", "Exception"),
    "CondaHTTPError": ("CondaError", "Exception"),
    "LockError": ("CondaError", "Exception"),
    "UnsatisfiableError": ("CondaError", "Exception"),
    "ResolvePackageNotFound": ("CondaError", "Exception"),
    "ChecksumMismatchError": ("CondaError", "Exception"),
    "CondaVerificationError": ("CondaError", "Exception"),
    "CondaValueError": ("CondaError", "ValueError", "Exception"),
    "InvalidSpec": ("CondaError", "ValueError", "Exception"),
    "InvalidVersionSpec": ("InvalidSpec", "CondaError", "ValueError", "Exception"),
    "InvalidMatchSpec": ("InvalidSpec", "CondaError", "ValueError", "Exception"),
}


def _mro_names(cls: type) -> tuple[str, ...]:
    names = [c.__name__ for c in cls.__mro__[1:]]
    return tuple(names[: names.index("Exception") + 1])


@pytest.mark.parametrize("name", sorted(HIERARCHY))
def test_class_hierarchy_is_condas(name: str) -> None:
    cls = getattr(conda_exports, name)
    assert cls is getattr(exc, name)
    assert _mro_names(cls) == HIERARCHY[name]


def test_aliases_are_the_same_classes() -> None:
    assert conda_exports.NoPackagesFound is conda_exports.ResolvePackageNotFound
    assert conda_exports.NoPackagesFoundError is conda_exports.ResolvePackageNotFound
    assert conda_exports.CondaFileNotFoundError is conda_exports.PathNotFoundError


def test_oserror_bases_catch_as_conda_does() -> None:
    with pytest.raises(OSError):
        raise conda_exports.CondaOSError("oops")
    with pytest.raises(OSError):
        raise conda_exports.PathNotFoundError("/nope")
    with pytest.raises(conda_exports.CondaError):
        raise conda_exports.LockError("locked")
    assert not issubclass(conda_exports.LinkError, OSError)


def test_padding_error_text() -> None:
    error = conda_exports.PaddingError("pkg-1.0-0", "/opt/x", 42)
    assert str(error) == (
        "Placeholder of length '42' too short in package pkg-1.0-0.\n"
        "The package must be rebuilt with conda-build > 2.0."
    )
    assert repr(error).startswith("PaddingError: Placeholder of length '42'")


@pytest.mark.parametrize("cls", ["LinkError", "LockError", "CondaOSError"])
def test_single_message_errors(cls: str) -> None:
    error = getattr(conda_exports, cls)("went wrong: 100%")
    assert str(error) == "went wrong: 100%"
    assert repr(error) == f"{cls}: {error}"


def test_http_error_text_and_fields() -> None:
    error = conda_exports.CondaHTTPError(
        "boom", "https://user:pw@example.com/a%20b", 404, "not found", datetime.timedelta(seconds=1.5)
    )
    assert str(error) == "HTTP 404 NOT FOUND for url <https://example.com/a b>\nElapsed: 00:01.500000\n\nboom"
    dumped = error.dump_map()
    assert dumped["url"] == "https://example.com/a b"
    assert dumped["status_code"] == 404
    assert dumped["reason"] == "NOT FOUND"
    assert dumped["elapsed_time"] == "00:01.500000"
    assert dumped["response_details"] == ""
    assert dumped["json"] == {}


def test_http_error_without_details() -> None:
    error = conda_exports.CondaHTTPError("m", None, None, None, None)
    assert str(error) == "HTTP 000 CONNECTION FAILED for url <None>\nElapsed: -\n\nm"


def test_http_error_prefers_the_json_body() -> None:
    class Response:
        headers = {"CF-RAY": "abc123"}

        def json(self) -> dict:
            return {"reason": "gone away", "message": "from body"}

    error = conda_exports.CondaHTTPError("given", "https://x.org/", 410, "gone", "1s", response=Response())
    assert str(error) == "HTTP 410 GONE AWAY for url <https://x.org/>\nElapsed: 1s\nCF-RAY: abc123\n\nfrom body"


def test_resolve_package_not_found_text() -> None:
    error = conda_exports.NoPackagesFound([["a", "b>1"], ["c"]])
    assert str(error) == "\n  - a -> b>1\n  - c"
    assert error.bad_deps == ("a", "b>1", "c")


def test_checksum_mismatch_text() -> None:
    error = conda_exports.ChecksumMismatchError("https://x.org/p%2Bq.conda", "/tmp/p.conda", "sha256", "aa", "bb")
    assert str(error) == (
        "Conda detected a mismatch between the expected content and downloaded content\n"
        "for url 'https://x.org/p+q.conda'.\n"
        "  download saved to: /tmp/p.conda\n"
        "  expected sha256: aa\n"
        "  actual sha256: bb\n"
    )


def test_unsatisfiable_without_conflicts() -> None:
    error = conda_exports.UnsatisfiableError({})
    assert str(error).startswith("\nDid not find conflicting dependencies.")
    assert "conda config --set unsatisfiable_hints True" in str(error)


def test_unsatisfiable_direct_conflicts() -> None:
    class Spec:
        def __init__(self, text: str) -> None:
            self.name = text.split("=")[0]
            self.text = text

        def __str__(self) -> str:
            return self.text

    a, b1, b2 = Spec("a"), Spec("b==1.0"), Spec("b==2.0")
    error = conda_exports.UnsatisfiableError({"direct": [((a, b1),), ((a, b2),)]}, strict=True)
    assert str(error) == (
        "The following specifications were found to be incompatible with each other:\n"
        "\nOutput in format: Requested package -> Available versions"
        "\n\nPackage b conflicts for:\na -> b==1.0\na -> b==2.0"
        "\nNote that strict channel priority may have removed packages required for satisfiability."
    )
    assert error.unsatisfiable == [(a, b1), (a, b2)]


def test_multi_error_text() -> None:
    error = conda_exports.CondaMultiError([conda_exports.LockError("a"), conda_exports.LinkError("b")])
    assert str(error) == "a\nb\n"
    assert repr(error) == "LockError: a\nLinkError: b"
    assert error.contains(conda_exports.LinkError)
    assert not error.contains(conda_exports.PaddingError)


def test_configuration_errors_are_conda_errors() -> None:
    assert issubclass(exc.ConfigurationLoadError, exc.ConfigurationError)
    assert issubclass(exc.InvalidTypeError, exc.ValidationError)
    assert issubclass(exc.CustomValidationError, exc.ValidationError)
    assert issubclass(exc.MultipleKeysError, exc.ValidationError)
    assert issubclass(exc.ValidationError, exc.ConfigurationError)
    assert issubclass(exc.ConfigurationError, exc.CondaError)
    assert issubclass(exc.MultiValidationError, exc.CondaMultiError)
    assert issubclass(exc.MultiValidationError, exc.ConfigurationError)


class _Channel:
    name = "conda-forge"
    base_url = "https://conda.anaconda.org/conda-forge"


def test_channel_allowlist_errors() -> None:
    assert issubclass(exc.ChannelDenied, exc.ChannelNotAllowed)
    assert issubclass(exc.ChannelNotAllowed, exc.ChannelError)
    assert issubclass(exc.ChannelError, exc.CondaError)
    assert str(exc.ChannelDenied(_Channel())) == (
        "Channel included in denylist:\n  channel name: conda-forge\n  channel url: https://conda.anaconda.org/conda-forge\n"
    )
    assert str(exc.ChannelNotAllowed(_Channel())).startswith("Channel not included in allowlist:\n")


def _fake_response(content_type: str, text: str):
    """Stands in for requests' Response and PreparedRequest (conda recognises them by class name)."""
    request = type("PreparedRequest", (), {"__module__": "requests.models"})()
    request.method, request.path_url, request.url = "GET", "/x/repodata.json", "https://conda.example/x/repodata.json"
    request.headers, request.body = {"User-Agent": "ua", "Accept": "*/*"}, None
    response = type("Response", (), {"__module__": "requests.models"})()
    response.request, response.url, response.status_code, response.reason = (
        request,
        request.url,
        503,
        "Service Unavailable",
    )
    response.headers = {"Content-Type": content_type, "Connection": "close", "Content-Length": "5", "CF-RAY": "ray1"}
    response.elapsed, response.text = datetime.timedelta(seconds=0.25), text
    response.json = lambda: __import__("json").loads(text)
    return response


HEAD = (
    "\n>>GET /x/repodata.json HTTPS\n> User-Agent: ua\n> Accept: */*\n\n<<HTTPS 503 Service Unavailable\n"
    "< CF-RAY: ray1\n< Content-Type: {ct}\n< Content-Length: 5\n< Connection: close\n< Elapsed: 00:00.250000\n\n"
)


def test_http_error_response_details_text() -> None:
    response = _fake_response("text/plain", "oops!")
    response.json = lambda: (_ for _ in ()).throw(ValueError("not json"))
    error = conda_exports.CondaHTTPError("msg", response.url, 503, "service unavailable", response.elapsed, response)
    assert str(error).splitlines()[:3] == [
        "HTTP 503 SERVICE UNAVAILABLE for url <https://conda.example/x/repodata.json>",
        "Elapsed: 00:00.250000",
        "CF-RAY: ray1",
    ]
    assert error.dump_map()["response_details"] == HEAD.format(ct="text/plain") + "oops!\n"


def test_http_error_response_details_json() -> None:
    response = _fake_response("application/json", '{"message": "from body", "reason": "nope"}')
    error = conda_exports.CondaHTTPError("msg", response.url, 503, "service unavailable", response.elapsed, response)
    assert str(error).startswith("HTTP 503 NOPE for url")
    assert str(error).endswith("\n\nfrom body")
    details = '{\n  "message": "from body",\n  "reason": "nope"\n}\n\n'
    assert error.dump_map()["response_details"] == HEAD.format(ct="application/json") + details
    assert error.dump_map()["json"] == {"message": "from body", "reason": "nope"}


@pytest.mark.parametrize(
    "kind,expected",
    [
        (
            "python",
            "The following specifications were found\nto be incompatible with the existing python installation in "
            "your environment:\n\nSpecifications:\n\n  - numpy==1.0 -> python==3.8\n\nYour python: python 3.11\n\n"
            "If python is on the left-most side of the chain, that's the version you've asked for.\nWhen python "
            "appears to the right, that indicates that the thing on the left is somehow\nnot available for the python "
            "version you are constrained to. Note that conda will not\nchange your python version to a different minor "
            "version unless you explicitly specify\nthat.\n\n",
        ),
        (
            "request_conflict_with_history",
            "The following specifications were found to be incompatible with a past\nexplicit spec that is not an "
            "explicit spec in this operation (python 3.11):\n\n  - numpy==1.0 -> python==3.8\n\n",
        ),
        (
            "virtual_package",
            "The following specifications were found to be incompatible with your system:\n\n"
            "  - numpy==1.0 -> python==3.8\n\nYour installed version is: python 3.11\n",
        ),
    ],
)
def test_unsatisfiable_chains_as_conda_prints_them(kind: str, expected: str) -> None:
    pytest.importorskip("conda_exports.models.match_spec")
    error = conda_exports.UnsatisfiableError({kind: [(["numpy 1.0", "python 3.8"], "python 3.11")]})
    assert str(error) == expected
