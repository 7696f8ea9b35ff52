"""What a storyboard restack leaves alone, found without laying anything out.

`studio.layout.storyboard.restack` lays the storyboard track's segments (runs of one shot's
clips) out again after a storyboard change. On a 1,000-clip track most segments are either
before the change (left exactly as they are: the *head*) or after it (each moved by the same
number of frames as the last changed segment: the *tail*). These functions find both from the
clips alone, so the restack only builds and places the segments in between; the result is the
one a full pass makes (tests/studio/test_layout_incremental.py compares the two).

Both work on the track's clips sorted by start, now (`now`) and before the change (`was`); a
clip the change did not touch is the same object in both (clips are immutable values).
"""

from __future__ import annotations

from studio.model.shot import Shot
from studio.model.timeline import Clip


def room(last: Clip, first: Clip) -> int:
    """The longest overlap the track rules allow between a segment's last clip and the next
    segment's first (never three clips at once, each keeps a frame of its own)."""
    own = last.transition_in.duration if last.transition_in else 0
    return max(0, min(last.duration - own - 1, first.duration - 1))


def joins_kept(last: Clip, first: Clip) -> bool:
    """A restack keeps the gap or overlap between two segments that still follow each other
    as it is, unless the overlap is longer than the rules allow (then it is shortened)."""
    lead = first.start - last.end
    return lead >= 0 or -lead <= room(last, first)


def run_end(clips: list[Clip], i: int) -> int:
    """Index after the segment that starts at clips[i] (a clip with no shot rides along)."""
    sid, j = clips[i].shot_id, i + 1
    while j < len(clips) and (clips[j].shot_id is None or clips[j].shot_id == sid):
        j += 1
    return j


def unchanged_head(
    now: list[Clip],
    was: list[Clip],
    reorder: bool,
    retransition: set[str],
    fresh: dict[str, int],
    shots: dict[str, Shot],
    order: dict[str, int],
) -> tuple[int, list[int]]:
    """(end, firsts): now[:end] is left exactly as it is, and `firsts` are the indices of its
    segments' first clips. It is the clips the change left in place, cut back to whole
    segments, before any segment whose join the change re-makes (a retransitioned shot before
    it, an overlap the rules no longer allow, a segment that a reorder moves)."""
    p, n = 0, min(len(now), len(was))
    while p < n and now[p] is was[p]:
        p += 1
    starts: list[int] = []  # index of each whole segment's first clip in the head
    shot_id = None
    for i in range(p):
        c = now[i]
        if i and (c.shot_id is None or c.shot_id == shot_id):
            continue
        starts.append(i)
        shot_id = c.shot_id
    if not starts:
        return 0, []
    starts.pop()  # the last run may go on past the head
    ok: list[int] = []
    prev_shot, key = None, -1
    for i in starts:
        first = now[i]
        sid = first.shot_id
        if sid is None:
            if i:
                break
        elif sid not in shots or prev_shot in retransition:
            break
        if reorder:
            k = -1 if sid is None else order[sid]
            if k < key:
                break
            key = k
        if i and not joins_kept(now[i - 1], first):
            break
        ok.append(i)
        prev_shot = sid
    if not ok:
        return 0, []
    end = run_end(now, ok[-1])
    if reorder:  # a stable sort keeps the head only where nothing after it sorts before it
        rest = [order[s] for s in fresh if s in order]
        rest += [order[c.shot_id] for c in now[end:] if c.shot_id in order]
        low = min(rest, default=key)
        while ok and now[ok[-1]].shot_id is not None and order[now[ok[-1]].shot_id] > low:
            ok.pop()
        if not ok:
            return 0, []
        end = run_end(now, ok[-1])
    return end, ok


def unchanged_tail(
    now: list[Clip],
    was: list[Clip],
    cut: int,
    reorder: bool,
    retransition: set[str],
    fresh: dict[str, int],
    shots: dict[str, Shot],
    order: dict[str, int],
) -> tuple[int, list[int]]:
    """(pivot, firsts): the segments whose first clips are at `firsts` (to the end of the
    track) each move by as many frames as the segment starting at now[pivot], the one just
    before them, and are otherwise left as they are: the clips the change left in place at
    the end of the track, in segments that still follow each other with joins the change does
    not re-make, which a reorder leaves last. (len(now), []) when there are none.

    `cut`: the end of the unchanged head. The caller checks the one join that depends on how
    the pivot was laid out (its last clip's transition bounds the overlap into the tail)."""
    n, m = len(now), len(was)
    q, limit = 0, min(n, m) - cut
    while q < limit and now[n - 1 - q] is was[m - 1 - q]:
        q += 1
    if q == 0:
        return n, []
    s0 = n - q
    firsts: list[int] = []
    shot_id = None
    for i in range(cut, n):
        c = now[i]
        if i > cut and (c.shot_id is None or c.shot_id == shot_id):
            continue
        shot_id = c.shot_id
        if i >= s0:
            firsts.append(i)
    pivot = 0  # index into firsts of the segment the tail moves with
    for j in range(1, len(firsts)):
        a, b = firsts[j - 1], firsts[j]
        psid, sid = now[a].shot_id, now[b].shot_id
        ok = (
            psid is not None
            and sid is not None
            and psid in shots
            and sid in shots
            and psid not in retransition
            and (not reorder or order[sid] >= order[psid])
            and joins_kept(now[b - 1], now[b])
        )
        if not ok:
            pivot = j
    if pivot + 1 >= len(firsts):
        return n, []
    at = firsts[pivot]
    if now[at].shot_id not in shots:
        return n, []
    if reorder:  # the pivot must stay the last segment laid out before the tail
        key = order[now[at].shot_id]
        before = [order[s] for s in fresh if s in order]
        before += [order[now[i].shot_id] for i in range(cut, at) if now[i].shot_id in order]
        if any(k >= key for k in before[: len(fresh)]) or any(k > key for k in before):
            return n, []
    return at, firsts[pivot + 1 :]
