"""Every credential form a URI can carry is redacted; accounts of databases stay readable."""

import pytest

from trainables.secrets import has_secret, redact


@pytest.mark.parametrize(
    "uri, shown",
    [
        ("postgresql://u:pw@h:5432/db", "postgresql://u:***@h:5432/db"),
        (
            "postgresql+psycopg://u@h/db?password=pw&sslmode=require",
            "postgresql+psycopg://u@h/db?password=***&sslmode=require",
        ),
        ("mysql://u:p/w@d@h/db", "mysql://u:***@h/db"),
        ("https://TOKEN@mlflow.example.com/", "https://***@mlflow.example.com/"),
        ("https://user:pw@h:8443/x?token=abc#frag", "https://***@h:8443/x?token=***#frag"),
        ("s3://AKIAKEY:SECRETKEY@bucket/prefix", "s3://***@bucket/prefix"),
        (
            "https://h/x?X-Amz-Signature=abc&X-Amz-Credential=def&page=2",
            "https://h/x?X-Amz-Signature=***&X-Amz-Credential=***&page=2",
        ),
    ],
)
def test_credentials_are_redacted(uri, shown):
    assert redact(uri) == shown and has_secret(uri)
    assert redact(shown) == shown, "redacting twice changes nothing"


@pytest.mark.parametrize(
    "uri",
    [
        "sqlite:////tmp/m.db",
        "http://127.0.0.1:5000",
        "postgresql://u@h/db",
        "s3://bucket/p",
        "file:///mnt/efs/sweeps",
        "auto",
        "127.0.0.1:6379",
        "sweeps",
    ],
)
def test_uris_without_credentials_are_left_alone(uri):
    assert redact(uri) == uri and not has_secret(uri)
