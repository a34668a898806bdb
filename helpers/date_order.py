"""Listing order: what the position of a post in a newest-first listing says about its date.

In a file holding several posts (the ADCS blog listing, newest first),
``date[i] >= date[j]`` when ``i`` is listed before ``j``. ``propagate`` narrows each post's
interval by its neighbours' evidence, ``find_conflicts`` names the evidence that makes the
order impossible, ``monotone`` makes point dates non-increasing, and ``interpolate`` places
a post without a point date between the nearest dated posts on both sides.
"""

from __future__ import annotations

from datetime import date, timedelta


def _propagate(
    lows: list[date | None], highs: list[date | None]
) -> tuple[list[date | None], list[date | None]]:
    """Monotone bounds for a newest-first listing.

    A post's low is the largest low of the posts listed after it (older) and its
    high the smallest high of the posts listed before it (newer), own included.
    """
    n = len(lows)
    out_low: list[date | None] = [None] * n
    out_high: list[date | None] = [None] * n
    running: date | None = None
    for i in range(n - 1, -1, -1):  # oldest -> newest: lows only grow
        if lows[i] is not None and (running is None or lows[i] > running):
            running = lows[i]
        out_low[i] = running
    running = None
    for i in range(n):  # newest -> oldest: highs only shrink
        if highs[i] is not None and (running is None or highs[i] < running):
            running = highs[i]
        out_high[i] = running
    return out_low, out_high


def _find_conflicts(
    lows: list[date | None], highs: list[date | None], ordered: bool, kinds: list[str] | None = None
) -> list[int]:
    """Indices whose own evidence must be dropped so every interval is non-empty and ordered.

    Greedy: repeatedly drop the post involved in most contradictions (a post whose
    own evidence is self-contradictory counts as involved in all); ties go to the
    weaker evidence (bound < event < weekday < byline), then the wider interval,
    then the later-listed post.
    """
    lows, highs = list(lows), list(highs)
    kinds = kinds or ["event"] * len(lows)
    strength = {"bound": 0, "none": 0, "event": 1, "weekday": 2, "byline": 3}
    dropped: list[int] = []
    n = len(lows)

    def width(k: int) -> int:
        if lows[k] is None or highs[k] is None:
            return 10**6
        return (highs[k] - lows[k]).days

    while n:
        counts = [0] * n
        for i in range(n):
            if lows[i] is not None and highs[i] is not None and lows[i] > highs[i]:
                counts[i] += n  # internally contradictory: drop first
        if ordered:
            for i in range(n):
                if highs[i] is None:
                    continue
                for j in range(i + 1, n):  # j listed after i, so date_j <= date_i
                    if lows[j] is not None and lows[j] > highs[i]:
                        counts[i] += 1
                        counts[j] += 1
        worst = max(range(n), key=lambda k: (counts[k], -strength[kinds[k]], width(k), k))
        if counts[worst] == 0:
            break
        dropped.append(worst)
        lows[worst] = highs[worst] = None
    return dropped


def _monotone(points: list[tuple[int, date]]) -> list[tuple[int, date]]:
    """Pool-adjacent-violators: make points non-increasing in listing position (newest first)."""
    blocks: list[list] = []  # [sum of ordinals, count, positions]
    for pos, day in points:
        blocks.append([day.toordinal(), 1, [pos]])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] < blocks[-1][0] / blocks[-1][1]:
            total, count, positions = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
            blocks[-1][2].extend(positions)
    out = []
    for total, count, positions in blocks:
        mean = date.fromordinal(round(total / count))
        out.extend((pos, mean) for pos in positions)
    return out


def _interpolate(
    position: int, before: tuple[int, date] | None, after: tuple[int, date] | None
) -> date | None:
    """Linear interpolation in listing position between two anchored posts."""
    if before and after:
        (p0, d0), (p1, d1) = before, after
        fraction = (position - p0) / (p1 - p0)
        return d0 + timedelta(days=round((d1 - d0).days * fraction))
    if before:
        return before[1]
    if after:
        return after[1]
    return None
