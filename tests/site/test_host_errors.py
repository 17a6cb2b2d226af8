"""What a host's refusal means for her: rclone's error text read as one clear sentence, in
English and Dutch, whatever numbers (ports, addresses) it happens to contain."""

import pytest

from breathcast.site.deploy.rclone import explain


@pytest.mark.parametrize(
    ("error", "said"),
    [
        # A port with 401 or 530 in it is no refused password.
        ("NewFs: couldn't connect SSH: dial tcp 127.0.0.1:40127: connect: connection refused",
         "the host does not answer: nothing takes a connection"),
        ('failed to make FTP connection to "127.0.0.1:53012": dial tcp: connection refused',
         "the host does not answer: nothing takes a connection"),
        ("read metadata failed: 401 Unauthorized: 401 Unauthorized",
         "the host refused the user name or password"),
        ('NewFs: failed to make FTP connection to "127.0.0.1:2121": 530 "Incorrect password"',
         "the host refused the user name or password"),
        ("api error SignatureDoesNotMatch: The request signature we calculated does not match",
         "wrong key or secret"),
        ("Propfind \"http://127.0.0.1:8080/x\": net/http: timeout awaiting response headers",
         "the host does not answer; check your internet connection"),
        ("panic received: fatal error: Failed to load config file \"/x/rclone.conf\": unable to "
         "decrypt configuration and not allowed to ask for password - set RCLONE_CONFIG_PASS",
         "rclone's own config is encrypted; set RCLONE_CONFIG_PASS"),
        ("write: 552 Disk full", "the host's disk is full"),
    ],
)  # fmt: skip
def test_each_refusal_is_said_for_what_it_is(error, said):
    words = explain(error)
    assert words.en.startswith(said), words.en
    assert words.nl and words.nl != words.en and "panic" not in words.en


def test_what_is_not_known_is_said_plainly_with_rclones_own_words():
    words = explain("something new went wrong\nat the very end")
    assert words.en == "the host refused: at the very end"
    # In Dutch: what to do, not rclone's English (her screen shows no host message below it).
    assert "lukte niet" in words.nl and "probeer het opnieuw" in words.nl
    assert "at the very end" not in words.nl
