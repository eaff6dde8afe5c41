"""Text in an answer that is valid JSON but no valid text: lone surrogates, made U+FFFD.

JSON may escape half of a UTF-16 surrogate pair on its own (``"\\ud83d"``, half an emoji); Python
decodes it to a string that no UTF-8 encoder, pyarrow or Parquet writer accepts. Such text is
replaced by U+FFFD (the replacement character) as the answer is read, so a tag or a name
holding it can never crash a fetch, and one warning says so.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

__all__ = ["LoneSurrogateWarning", "repair_text"]

# Where a lone surrogate can come from: an escape of one (a pair is escaped the same way, and
# is then looked at too), or one encoded raw (json.loads decodes with "surrogatepass").
_MAY_HOLD_SURROGATES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
# json.loads joins a well-formed escaped pair into one character: what is left is lone.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


class LoneSurrogateWarning(UserWarning):
    """An answer held half an emoji (a lone surrogate); it was replaced by U+FFFD."""


def repair_text(body: bytes, payload: Any) -> Any:
    """``payload`` (parsed from ``body``) with every lone surrogate replaced by U+FFFD.

    The payload is walked only when the raw body may hold one, so well-formed answers cost a
    single scan of their bytes. Warns (:class:`LoneSurrogateWarning`, once per session by the
    usual warning filter: the message is always the same) when something was replaced.

    Examples
    --------
    >>> import json
    >>> body = b'{"data": [{"tag_name": "VIP \\\\ud83d", "ok": "\\\\ud83d\\\\ude00"}]}'
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     repaired = repair_text(body, json.loads(body))
    >>> repaired["data"][0] == {"tag_name": "VIP \\ufffd", "ok": "\\U0001f600"}
    True
    """
    if _MAY_HOLD_SURROGATES.search(body) is None:
        return payload
    replaced = [0]
    repaired = _repaired(payload, replaced)
    if replaced[0]:
        warnings.warn(
            "Dixa answered text holding lone surrogates (half an emoji, which is no valid "
            "character), e.g. in a tag or a name; each was replaced by U+FFFD (\ufffd) so "
            "the fetch goes on",
            LoneSurrogateWarning,
            stacklevel=2,
        )
    return repaired


def _repaired(value: Any, replaced: list[int]) -> Any:
    if isinstance(value, str):
        fixed, count = _SURROGATE.subn(REPLACEMENT, value)
        replaced[0] += count
        return fixed
    if isinstance(value, list):
        return [_repaired(item, replaced) for item in value]
    if isinstance(value, dict):
        return {_repaired(k, replaced): _repaired(v, replaced) for k, v in value.items()}
    return value
