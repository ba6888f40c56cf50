"""Where a sweep keeps its results: a local folder, or a location every node of a cluster reaches.

- a plain path (`sweeps`, `/data/sweeps`): this machine only.  Refused when trials can run on other
  nodes (a multi-node cluster, or a head that runs no trials): they could not write checkpoints
  there, and a resume on another machine could not read them.
- a URI: `s3://bucket/prefix` (an S3-compatible endpoint through `AWS_ENDPOINT_URL`, credentials
  the AWS way: instance profile, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`), `gs://`, `hdfs://` or
  anything else pyarrow's filesystems open; `file:///mnt/efs/sweeps` for a network filesystem mounted
  at the same path on every node (the `file://` says it is shared).
Ray Tune writes trials and checkpoints there itself (`RunConfig(storage_path=...)`); the driver
writes `sweep.json` and the summary there through the same pyarrow filesystem.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow.fs as pafs

from trainables.secrets import redact


class Storage:
    def __init__(self, location: str):
        self.location = location
        self.shared = "://" in location
        if redact(location) != location:  # Tune writes the path into its own files, and hands it to every worker
            raise ValueError(
                f"--storage-path {redact(location)} holds credentials: give them the provider's way "
                "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an instance profile, GOOGLE_APPLICATION_CREDENTIALS), "
                "never in the path"
            )
        if self.shared:
            try:
                self.fs, self.root = pafs.FileSystem.from_uri(location)
            except (ValueError, OSError) as exc:
                raise ValueError(
                    f"--storage-path {redact(location)!r} cannot be opened ({str(exc).splitlines()[0][:160]}): "
                    "use s3://bucket/prefix, gs://..., file:///shared/path or a local folder"
                ) from None
            self.uri = location.rstrip("/")
        else:
            self.fs, self.root = pafs.LocalFileSystem(), str(Path(location).resolve())
            self.uri = self.root

    def __str__(self) -> str:
        return self.uri

    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *parts])

    def where(self, *parts: str) -> str:
        """A location to print: the URI (or local path) of `parts`."""
        return "/".join([self.uri, *parts])

    def check_writable(self) -> None:
        probe = self.path(".write-test")
        try:
            self.fs.create_dir(self.root)
            with self.fs.open_output_stream(probe) as out:
                out.write(b"")
            self.fs.delete_file(probe)
        except OSError as exc:
            reason = str(exc).splitlines()[0][:160]
            raise ValueError(
                f"--storage-path {self.location} cannot be written ({reason}): choose a writable "
                "folder or bucket (and check credentials, AWS_ENDPOINT_URL)"
            ) from None

    def exists(self, *parts: str) -> bool:
        return self.fs.get_file_info(self.path(*parts)).type != pafs.FileType.NotFound

    def read_text(self, *parts: str) -> str:
        with self.fs.open_input_stream(self.path(*parts)) as f:
            return f.read().decode()

    def write_text(self, text: str, *parts: str) -> None:
        self.fs.create_dir(self.path(*parts[:-1]))
        with self.fs.open_output_stream(self.path(*parts)) as out:
            out.write(text.encode())

    def upload(self, local: Path, *parts: str) -> None:
        self.write_text(local.read_text(), *parts)

    def sweeps_by_age(self, marker: str) -> list[str]:
        """Names of the sweeps (folders holding `marker`), oldest first."""
        try:
            found = self.fs.get_file_info(pafs.FileSelector(self.root, allow_not_found=True, recursive=False))
        except OSError:
            return []
        states = [
            self.fs.get_file_info(self.path(Path(info.path).name, marker))
            for info in found
            if info.type == pafs.FileType.Directory
        ]
        states = [s for s in states if s.type == pafs.FileType.File]
        return [Path(s.path).parent.name for s in sorted(states, key=lambda s: s.mtime_ns or 0)]

    def local_dir(self) -> Path:
        """A folder on this machine for what must stay local (Ray's temp files, the summary before
        upload): the storage folder itself when it is local, else ./.earlyrobust/<hash of the URI>."""
        if not self.shared:
            return Path(self.root)
        return Path.cwd() / ".earlyrobust" / hashlib.sha1(self.uri.encode()).hexdigest()[:10]
