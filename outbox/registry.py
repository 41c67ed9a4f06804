"""Where higher apps plug into the outbox without the outbox importing them.

The outbox knows addresses, not what a mail is about. Apps that send bulk mail (newsletters)
register who must not get it and what to do when a batch is delivered; every app names its
kinds of mail for the delivery log's filter. Registered from each app's AppConfig.ready().
"""

from collections.abc import Callable, Iterable
from typing import Any

_bulk_exclusions: dict[str, Callable[[set[str]], Iterable[str]]] = {}
_batch_finished: dict[str, Callable[[list[int]], None]] = {}
_mail_kinds: dict[str, Any] = {}
_renderers: dict[str, Callable[[dict], Any]] = {}


def register_bulk_exclusion(key: str, excluded: Callable[[set[str]], Iterable[str]]) -> None:
    """`excluded(addresses)` returns those of the addresses that bulk mail (a batch) must skip,
    e.g. the ones that unsubscribed."""
    _bulk_exclusions[key] = excluded


def bulk_mail_excluded(addresses: set[str]) -> set[str]:
    found: set[str] = set()
    for excluded in _bulk_exclusions.values():
        found.update(excluded(addresses))
    return found


def register_batch_finished(key: str, callback: Callable[[list[int]], None]) -> None:
    """`callback(batch_ids)` runs after those batches have nothing left to deliver."""
    _batch_finished[key] = callback


def batches_finished(batch_ids: list[int]) -> None:
    for callback in _batch_finished.values():
        callback(batch_ids)


def register_mail_kind(template: str, label: Any) -> None:
    """What the secretariat calls the mail queued with `template` (a lazy translated string)."""
    _mail_kinds[template] = label


def mail_kinds() -> dict[str, Any]:
    return dict(_mail_kinds)


def register_renderer(name: str, build: Callable[[dict], Any]) -> None:
    """`build(data)` returns what a mail queued as an intent (`message_queue_deferred` with
    `renderer=name`) is rendered from: an `outbox.rendering.MailParts`, or None when there is
    nothing to send any more (the row is then skipped). It runs in the worker, after commit,
    in the recipient's language."""
    _renderers[name] = build


def renderer(name: str) -> Callable[[dict], Any]:
    try:
        return _renderers[name]
    except KeyError:
        raise LookupError(f"No mail renderer registered as {name!r}") from None
