"""``S3Storage`` and ``ManifestS3Storage``: collected files in an S3-compatible bucket.

Needs the ``s3`` extra (boto3). Options (``[tool.devstatic.storage-options]``):
``bucket`` (required), ``prefix`` (folder inside the bucket, slashes optional; empty
means the whole bucket), ``endpoint-url`` (MinIO, R2, moto ...), ``region``,
``max-workers`` (parallel uploads, default 8). Credentials come from boto3's usual chain
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, an instance role).

Incremental by content only: each object carries the MD5 of its bytes in its metadata
(``x-amz-meta-md5``), never trusting mtimes or sizes, which differ on every checkout.
Deciding whether a file is current takes one listing of the prefix per run (in ranges
of the run's names side by side, started by ``begin``: ``s3_listing``), so a name the bucket lacks
costs no request at all. The listing also carries each object's ETag,
the MD5 of its bytes for a single-part upload (all of ours): when it equals the
source's MD5 and the headers recorded for that name in ``HEADERS_INDEX`` (a small JSON
object written at the end of a run that changed it) equal the headers we would upload,
the object is current without a request of its own. Otherwise (a multipart or
KMS-encrypted object, whose ETag is no MD5; a name the index lacks; a change of our
media-type or caching rules) one HEAD decides, from the object's own metadata. The
index only ever vouches for headers, never for bytes, and only for an object whose
listed ETag matches, so a manual upload, a delete or a lifecycle rule cannot fool it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TypeVar

from devstatic.config.settings import Settings
from devstatic.disk import threads
from devstatic.exceptions import ImproperlyConfigured, StorageError
from devstatic.http.mediatypes import content_type_for
from devstatic.storage.base import Storage
from devstatic.storage.manifest import ManifestFilesMixin
from devstatic.storage.object_headers import (
    ObjectHeaders,
    object_headers,
    sibling_original,
    unhashed,
)
from devstatic.storage.s3_listing import (
    PAGE,
    list_ranges,
    list_tree,
    pages,
    range_bounds,
    use_fast_timestamps,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["ManifestS3Storage", "S3Storage"]

T = TypeVar("T")

#: Attempts per request (the first and three retries), with botocore's jittered backoff.
MAX_ATTEMPTS = 4
#: Seconds to open a connection and to wait on a read: with ``MAX_ATTEMPTS`` and the
#: backoff, a dead or hung server fails a request in well under a minute.
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 8.0
#: Object metadata key holding the hex MD5 of the object's bytes.
MD5_KEY = "md5"
#: The share of a listing page left for objects of its range that the run does not name.
RANGE_SPARE = 0.02
#: The object (under the prefix) recording the headers each name was uploaded with.
HEADERS_INDEX = "staticfiles.s3-headers.json"

_CHUNK = 1 << 20
_CREDENTIAL_CODES = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidClientTokenId",
        "ExpiredToken",
        "InvalidToken",
        "AccessDenied",
        "403",
    }
)
_MISSING_BUCKET_CODES = frozenset({"NoSuchBucket", "404"})
_MISSING_KEY_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


def _md5_of_file(path: Path) -> bytes:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.digest()


def _digest_sources(sources: list[Path], into: dict[Path, bytes]) -> None:
    """The MD5 of each source, for ``is_current`` (an unreadable one is left to it)."""
    for source in sources:
        with contextlib.suppress(OSError):
            into[source] = _md5_of_file(source)


def _md5_of_bytes(data: bytes) -> bytes:
    return hashlib.md5(data, usedforsecurity=False).digest()


def _option_str(name: str, value: Any, example: str) -> str:
    if not isinstance(value, str):
        raise ImproperlyConfigured(
            f"storage-options.{name} must be a string such as {example!r}, not {value!r}.",
            key="storage_options." + name.replace("-", "_"),
        )
    return value


class S3Storage(Storage):
    """Collected files as objects under ``prefix/`` of ``bucket``.

    ``describe()`` is ``None``: the summary line names no folder. ``url()`` is
    ``static_url`` plus the name, so an absolute ``static_url`` pointing at the CDN in
    front of the bucket gives CDN URLs.
    """

    max_workers = threads.UPLOADS
    supports_links = False
    #: Names besides Django's hashed form that never change (uploaded ``immutable``):
    #: none for plain names; the manifest storage's ``pre-hashed`` pattern there.
    immutable_pattern: re.Pattern[str] | None = None
    #: Objects in the bucket for each name collected (what the listing expects to find):
    #: one for plain names; the manifest layer adds hashed copies and their siblings.
    keys_per_name = 1

    def __init__(self, settings: Settings, **options: Any) -> None:
        bucket = options.pop("bucket", None)
        prefix = options.pop("prefix", "")
        endpoint_url = options.pop("endpoint_url", None)
        region = options.pop("region", None)
        max_workers = options.pop("max_workers", type(self).max_workers)
        super().__init__(settings, **options)
        if bucket is None or bucket == "":
            raise ImproperlyConfigured(
                f"storage-options.bucket is required by {type(self).__name__}: add "
                'bucket = "my-static-bucket" under [tool.devstatic.storage-options].',
                key="storage_options.bucket",
            )
        self.bucket = _option_str("bucket", bucket, "my-static-bucket")
        self.prefix = _option_str("prefix", prefix, "static").strip("/")
        self.endpoint_url = (
            None
            if endpoint_url is None
            else _option_str("endpoint-url", endpoint_url, "https://s3.example.com")
        )
        if self.endpoint_url is not None and not self.endpoint_url.startswith(
            ("http://", "https://")
        ):
            raise ImproperlyConfigured(
                f"storage-options.endpoint-url must start with http:// or https://, "
                f"not {self.endpoint_url!r}.",
                key="storage_options.endpoint_url",
            )
        self.region = None if region is None else _option_str("region", region, "eu-west-1")
        if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
            raise ImproperlyConfigured(
                f"storage-options.max-workers must be a positive whole number such as 8, "
                f"not {max_workers!r}.",
                key="storage_options.max_workers",
            )
        self.max_workers = max_workers
        self._client: S3Client | None = None
        self._s3_lock = threading.Lock()
        self._listing_lock = threading.Lock()
        self._index_lock = threading.Lock()
        # Names in the bucket (under the prefix), listed once per run and kept up to date.
        self._listing: set[str] | None = None
        # The listing's ETags (quotes stripped), by name.
        self._etags: dict[str, str] = {}
        # ``HEADERS_INDEX`` as read (``None``: not read yet) and as this run leaves it.
        self._index_read: dict[str, list[str | None]] | None = None
        self._index: dict[str, list[str | None]] = {}
        # Names this run collects or writes: a ``.gz``/``.br`` of one of them is a sibling.
        self._collected: set[str] = set()
        # Each source's MD5, read by ``begin`` (one writer thread; a dict is safe to read).
        self._source_md5: dict[Path, bytes] = {}
        # The first connection failure: later calls fail at once instead of each one
        # spending its retries on a server that is gone.
        self._failure: StorageError | None = None

    # -- the boto3 client -----------------------------------------------------------

    @property
    def client(self) -> S3Client:
        """The boto3 client, made on first use (``static()`` with a plain storage needs none)."""
        with self._s3_lock:
            if self._client is None:
                self._client = self._make_client()
            return self._client

    def _make_client(self) -> S3Client:
        try:
            import boto3
            import botocore.session
            from botocore.config import Config
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs boto3: pip install 'devstatic[s3]'.",
                key="storage",
            ) from exc
        config = Config(
            retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            max_pool_connections=max(10, self.max_workers),
            # Custom endpoints (MinIO, moto, Ceph) rarely resolve bucket subdomains.
            s3={"addressing_style": "path"} if self.endpoint_url else {},
        )
        core = botocore.session.get_session()
        use_fast_timestamps(core)  # a listing's dates, parsed without dateutil
        session = boto3.session.Session(botocore_session=core)
        return session.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config
        )

    def key(self, name: str) -> str:
        """The object key of ``name``: ``prefix/name``."""
        return f"{self.prefix}/{name}" if self.prefix else name

    def _where(self) -> str:
        endpoint = self.endpoint_url
        if endpoint is None and self._client is not None:
            endpoint = self._client.meta.endpoint_url
        where = f"S3 bucket {self.bucket!r}"
        return f"{where} at {endpoint}" if endpoint else where

    # -- collectstatic ----------------------------------------------------------------

    def describe(self) -> str | None:
        return None

    def check_writable(self) -> None:
        """Nothing to check before the run: a bucket has no folder to create.

        A missing bucket, refused credentials or an unreachable endpoint surface on the
        first request of the run, as one ``StorageError`` line and exit status 1 (exit 2
        is kept for configuration mistakes found without asking the server).
        """

    def begin(self, found: Mapping[str, Path], *, dry_run: bool, post_process: bool) -> None:
        """Start, each on a thread of its own, what every copy waits for: the listing of
        the bucket, the headers index and the MD5 of each source. A rerun spends most of
        its time waiting on the listing; the index's round trip, the MD5s and whatever
        else the run does meanwhile (the manifest layer's hashing) are then no longer
        added to it.

        The client is made first, here: making it is Python work (imports, botocore's
        models) that anything started beside it would only slow down, and the listing
        waits on it. A failure to list is left to the copies, which meet it as their own.
        """
        super().begin(found, dry_run=dry_run, post_process=post_process)
        self._remember(found)
        sources = list(found.values())
        self.client  # noqa: B018 (made now, see above)
        # A new table for each run: an earlier run's MD5s (or its thread, if still
        # running) must not vouch for this run's sources.
        digests: dict[Path, bytes] = {}
        self._source_md5 = digests
        pool = threads.executor(3, "begin")
        pool.submit(self._names_in_bucket)
        pool.submit(self._headers_index)
        pool.submit(_digest_sources, sources, digests)
        pool.shutdown(wait=False)

    def _md5_of_source(self, source: Path) -> bytes:
        """The source's MD5 as ``begin`` read it, else read now: a run settles the
        sources as it found them, and a file saved during it is the next run's."""
        digest = self._source_md5.get(source)
        return digest if digest is not None else _md5_of_file(source)

    def exists(self, name: str) -> bool:
        return name in self._names_in_bucket()

    def is_current(self, name: str, source: Path) -> bool:
        """Current when the object's MD5 metadata and headers equal what we would upload."""
        if name not in self._collected:  # ``begin`` remembered the found names
            self._remember((name,))
        if name not in self._names_in_bucket():
            return False
        wanted = self._headers(name, source)
        return self._object_matches(name, self._md5_of_source(source), wanted)

    def finish(self) -> None:
        """Record the headers of every object this run uploaded or confirmed, when they
        differ from the index read at the start (a no-change rerun writes nothing)."""
        super().finish()
        with self._s3_lock:
            listed = self._listing if self._listing is not None else set()
            index = {k: v for k, v in sorted(self._index.items()) if k in listed}
            unchanged = index == self._index_read
        if unchanged or not index:
            return
        data = json.dumps(index, separators=(",", ":")).encode("utf-8")
        digest = _md5_of_bytes(data)
        self._put(HEADERS_INDEX, data, digest, object_headers(HEADERS_INDEX, is_sibling=False))

    def save(self, name: str, source: Path) -> None:
        self._remember((name,))
        headers = self._headers(name, source)
        # Read again, not ``begin``'s: Content-MD5 must be that of the bytes sent now.
        digest = _md5_of_file(source)
        with open(source, "rb") as body:
            self._put(name, body, digest, headers)

    def save_bytes(self, name: str, data: bytes) -> None:
        """Upload ``data``, unless the bucket already holds exactly it (a rerun's manifest)."""
        self._remember((name,))
        headers = self._headers(name, None)
        digest = _md5_of_bytes(data)
        if name in self._names_in_bucket() and self._object_matches(name, digest, headers):
            return
        self._put(name, data, digest, headers)

    def read_bytes(self, name: str) -> bytes:
        """The object's bytes; ``FileNotFoundError`` when there is none.

        Outside the circuit breaker: a web process reading the manifest retries later.
        """
        client = self.client
        try:
            response = client.get_object(Bucket=self.bucket, Key=self.key(name))
            return response["Body"].read()
        except Exception as exc:
            if _is_missing_key(exc):
                raise FileNotFoundError(f"{self.key(name)} is not in {self._where()}") from exc
            raise self._translate(exc) from exc

    def delete(self, name: str) -> None:
        self._call(lambda: self.client.delete_object(Bucket=self.bucket, Key=self.key(name)))
        with self._s3_lock:
            if self._listing is not None:
                self._listing.discard(name)
            self._etags.pop(name, None)
            self._index.pop(name, None)

    def list_names(self) -> Iterator[str]:
        """Every name under the prefix, listed afresh (``--clear`` deletes only these)."""
        etags = self._list_prefix()
        with self._s3_lock:
            self._listing, self._etags = set(etags), etags
        yield from sorted(etags)

    def names_under(self, folder: str) -> list[str]:
        """The names below ``folder`` (one listing of that folder alone)."""
        start = self.key(folder.strip("/")) + "/"
        offset = len(self.key(""))

        def list_folder() -> list[str]:
            return [
                item["Key"][offset:]
                for page in pages(self.client, Bucket=self.bucket, Prefix=start)
                for item in page.get("Contents", [])
            ]

        return self._call(list_folder)

    def modified_times(self) -> dict[str, float]:
        """Each name under the prefix and its ``LastModified`` (one listing; for ``clean``)."""
        start = f"{self.prefix}/" if self.prefix else ""

        def list_all() -> dict[str, float]:
            times: dict[str, float] = {}
            for item in list_tree(self.client, self.bucket, start, workers=self.max_workers):
                key = item["Key"]
                if not key.endswith("/"):
                    times[key[len(start) :]] = item["LastModified"].timestamp()
            return times

        return self._call(list_all)

    def close(self) -> None:
        with self._s3_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # -- internals --------------------------------------------------------------------

    def _remember(self, names: Iterable[str]) -> None:
        with self._s3_lock:
            self._collected.update(names)

    def _names_in_bucket(self) -> set[str]:
        """The listing of the prefix, made once per run: the first worker lists, the
        others wait for it instead of listing too."""
        listing = self._listing  # made once a run: the settled files need no lock
        if listing is not None:
            return listing
        with self._listing_lock:
            with self._s3_lock:
                if self._listing is not None:
                    return self._listing
            etags = self._list_prefix()
            with self._s3_lock:
                self._listing, self._etags = set(etags), etags
                return self._listing

    def _list_prefix(self) -> dict[str, str]:
        """Each name under the prefix and its ETag (quotes stripped). Once ``begin`` told
        the run's names, the listing is cut by them (``list_ranges``), else by folders."""
        start = f"{self.prefix}/" if self.prefix else ""
        with self._s3_lock:
            names = [start + name for name in self._collected]
        # A page holds ``PAGE`` keys and ``keys_per_name`` objects are expected for each
        # name. Keys a page lists past its range are listed again by the next range
        # (moto spends ~0.4 ms of CPU on each key it lists), so a page leaves only
        # ``RANGE_SPARE`` of it for objects the run does not name; more cost a second page.
        per_range = int(PAGE * (1 - RANGE_SPARE)) // self.keys_per_name
        bounds = range_bounds(names, max(1, per_range))

        def list_all() -> dict[str, str]:
            names: dict[str, str] = {}
            listed = (
                list_ranges(self.client, self.bucket, start, bounds, workers=self.max_workers)
                if bounds
                else list_tree(self.client, self.bucket, start, workers=self.max_workers)
            )
            for item in listed:
                key = item["Key"]
                if not key.endswith("/"):
                    names[key[len(start) :]] = str(item.get("ETag", "")).strip('"')
            return names

        return self._call(list_all)

    def _is_sibling(self, name: str, source: Path | None) -> bool:
        """Whether ``name`` is a precompressed copy of a file collected beside it.

        A source ``a.css.gz`` next to ``a.css`` is one (decided from the source tree, so
        parallel uploads cannot race); otherwise the original (or its unhashed name, for
        the manifest layer's ``a.<hash>.css.gz``) must be collected in this run or be in
        the bucket. ``archive.tar.gz`` alone stays an archive.
        """
        original = sibling_original(name)
        if original is None:
            return False
        if (
            source is not None
            and source.with_name(source.name[: len(original) - len(name)]).is_file()
        ):
            return True
        # ``a.<hash>.css`` stands for ``a.css``; ``a.css.<hash>`` (a hashed ``a.css.gz``)
        # does not: its type is no longer CSS.
        base = unhashed(original)
        hashed_copy = base != original and content_type_for(base) == content_type_for(original)
        with self._s3_lock:
            collected = original in self._collected or (hashed_copy and base in self._collected)
        return collected or original in self._names_in_bucket()

    def _headers(self, name: str, source: Path | None) -> ObjectHeaders:
        return object_headers(
            name, is_sibling=self._is_sibling(name, source), pre_hashed=self.immutable_pattern
        )

    def _headers_index(self) -> dict[str, list[str | None]]:
        """``HEADERS_INDEX`` as the run found it (read once; missing or unreadable means
        empty). Read without waiting for the listing to say it exists: a first upload
        pays one 404, a rerun no round trip after its listing."""
        index = self._index_read  # read once a run, as the listing
        if index is not None:
            return index
        with self._index_lock:
            with self._s3_lock:
                if self._index_read is not None:
                    return self._index_read
            read: dict[str, list[str | None]] = {}
            try:
                loaded = json.loads(self.read_bytes(HEADERS_INDEX))
            except (FileNotFoundError, ValueError):
                loaded = {}
            if isinstance(loaded, dict):
                read = {k: v for k, v in loaded.items() if isinstance(v, list)}
            with self._s3_lock:
                self._index_read = read
                # Names this run does not touch keep their entry while they exist.
                self._index = {**read, **self._index}
            return read

    def _note_headers(self, name: str, headers: ObjectHeaders) -> None:
        with self._s3_lock:
            self._index[name] = _headers_entry(headers)

    def _object_matches(self, name: str, digest: bytes, wanted: ObjectHeaders) -> bool:
        """Whether the stored ``name`` has these bytes and headers: settled from the
        listing's ETag and the headers index when they vouch for it, else by a HEAD."""
        index = self._headers_index()
        with self._s3_lock:
            etag = self._etags.get(name)
        if etag == digest.hex() and index.get(name) == _headers_entry(wanted):
            self._note_headers(name, wanted)
            return True
        if self._head_matches(name, digest, wanted):
            self._note_headers(name, wanted)
            return True
        return False

    def _head_matches(self, name: str, digest: bytes, wanted: ObjectHeaders) -> bool:
        def head() -> dict[str, Any] | None:
            try:
                return dict(self.client.head_object(Bucket=self.bucket, Key=self.key(name)))
            except Exception as exc:
                if _is_missing_key(exc):
                    return None
                raise

        found = self._call(head)
        if found is None:
            return False
        return (
            found.get("Metadata", {}).get(MD5_KEY) == digest.hex()
            and found.get("ContentType") == wanted.content_type
            and found.get("CacheControl") == wanted.cache_control
            and found.get("ContentEncoding") == wanted.content_encoding
        )

    def _put(
        self, name: str, body: bytes | BinaryIO, digest: bytes, headers: ObjectHeaders
    ) -> None:
        """One PUT; ``Content-MD5`` makes the server refuse a body damaged on the way."""
        extra: dict[str, str] = {}
        if headers.content_encoding:
            extra["ContentEncoding"] = headers.content_encoding
        self._call(
            lambda: self.client.put_object(
                Bucket=self.bucket,
                Key=self.key(name),
                Body=body,
                ContentType=headers.content_type,
                CacheControl=headers.cache_control,
                ContentMD5=base64.b64encode(digest).decode("ascii"),
                Metadata={MD5_KEY: digest.hex()},
                **extra,  # type: ignore[arg-type]
            )
        )
        with self._s3_lock:
            if self._listing is not None:
                self._listing.add(name)
            self._etags[name] = digest.hex()
            if name != HEADERS_INDEX:
                self._index[name] = _headers_entry(headers)

    def _call(self, operation: Callable[[], T]) -> T:
        """Run one client operation; any failure becomes a one-line ``StorageError``."""
        if self._failure is not None:
            raise self._failure
        try:
            return operation()
        except StorageError:
            raise
        except Exception as exc:
            error = self._translate(exc)
            if _is_fatal(exc):
                with self._s3_lock:
                    self._failure = self._failure or error
            raise error from exc

    def _translate(self, exc: BaseException) -> StorageError:
        """The user's one line for a boto3/botocore failure, naming the bucket and endpoint."""
        kind = _failure_kind(exc)
        where = self._where()
        if kind == "answer":
            code = _error_code(exc)
            message = _error_message(exc) or code
            if code in _MISSING_BUCKET_CODES:
                text = f"{where} does not exist: create it, or fix storage-options.bucket" + (
                    " and endpoint-url." if self.endpoint_url else "."
                )
            elif code in _CREDENTIAL_CODES:
                text = (
                    f"{where} refused the credentials ({code}: {message}). Check "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) and "
                    "the bucket's permissions."
                )
            else:
                text = f"{where} answered {code}: {message}"
        elif kind == "no-credentials":
            text = (
                f"no usable AWS credentials for {where}: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE."
            )
        elif kind == "unreachable":
            text = (
                f"cannot connect to {where} after {MAX_ATTEMPTS} attempts: check "
                "storage-options.endpoint-url and that the server is running, then run "
                "collectstatic again."
            )
        elif kind == "stopped":
            text = (
                f"{where} stopped answering after {MAX_ATTEMPTS} attempts "
                f"({type(exc).__name__}); run collectstatic again once it is back."
            )
        else:
            text = f"{where} failed: {type(exc).__name__}: {exc}"
        return StorageError(" ".join(text.split()))


def _headers_entry(headers: ObjectHeaders) -> list[str | None]:
    """How ``HEADERS_INDEX`` records an object's headers (JSON has no tuples)."""
    return [headers.content_type, headers.cache_control, headers.content_encoding]


def _error_code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _error_message(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Message") or "")


#: What a boto3 failure is: an error answer from the server (see ``_error_code``), no
#: usable credentials, no connection, a connection that stopped answering, or else.
FailureKind = Literal["answer", "no-credentials", "unreachable", "stopped", "other"]


def _failure_kind(exc: BaseException) -> FailureKind:
    """Which ``FailureKind`` ``exc`` is: botocore's exception classes are looked at here
    alone (imported on a failure only, so a plain storage never loads botocore)."""
    try:
        from botocore.exceptions import (
            ClientError,
            ConnectionClosedError,
            ConnectTimeoutError,
            EndpointConnectionError,
            NoCredentialsError,
            PartialCredentialsError,
            ReadTimeoutError,
        )
    except ImportError:
        return "other"
    if isinstance(exc, ClientError):
        return "answer"
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return "no-credentials"
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError):
        return "unreachable"
    if isinstance(exc, ReadTimeoutError | ConnectionClosedError):
        return "stopped"
    return "other"


def _is_missing_key(exc: BaseException) -> bool:
    """Whether the server answered that the object is not there."""
    return _failure_kind(exc) == "answer" and _error_code(exc) in _MISSING_KEY_CODES


def _is_fatal(exc: BaseException) -> bool:
    """Failures no other request of this run can escape: no server, no bucket, no access."""
    kind = _failure_kind(exc)
    if kind == "answer":
        code = _error_code(exc)
        return code in _CREDENTIAL_CODES or code in _MISSING_BUCKET_CODES
    return kind in ("no-credentials", "unreachable", "stopped")


class ManifestS3Storage(ManifestFilesMixin, S3Storage):
    """Hashed names and ``staticfiles.json`` in the bucket (the manifest uploaded last).

    ``static()`` reads the manifest from the bucket once per process. Pre-hashed names
    (``pre-hashed``) are uploaded with the same year-long ``Cache-Control`` as hashed ones.
    """

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(settings, **options)
        self.immutable_pattern = self.manifest_options.pre_hashed
        self.keys_per_name = 2 + len(self.compress)  # the original, its hashed copy, siblings

    def post_process(
        self, found: Mapping[str, Path], *, dry_run: bool
    ) -> Iterable[tuple[str, str, bool]]:
        # The hashed copies' ``.gz``/``.br`` are siblings of collected files: say so
        # before the parallel uploads, whatever order they finish in.
        self._remember(found)
        return super().post_process(found, dry_run=dry_run)
