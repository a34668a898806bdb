"""Unit tests for helpers.periods."""

import numpy as np
import pandas as pd
import pytest

from helpers.periods import PERIODS, check_periods, period_of, periods_column


def test_period_of_maps_years_and_keeps_missing_unknown() -> None:
    periods = {"early": (2000, 2009), "late": (2010, 2020)}
    assert period_of(2000, periods) == "early"
    assert period_of(2009, periods) == "early"
    assert period_of(2010, periods) == "late"
    assert period_of(None, periods) is None
    assert period_of(float("nan"), periods) is None
    with pytest.raises(ValueError, match="outside"):
        period_of(2021, periods)


def test_default_periods_cover_every_plausible_year() -> None:
    assert all(period_of(year) is not None for year in range(1990, 2060))


def test_check_periods_rejects_overlap_and_reversal() -> None:
    with pytest.raises(ValueError, match="overlap"):
        check_periods({"a": (2000, 2010), "b": (2010, 2012)})
    with pytest.raises(ValueError, match="after"):
        check_periods({"a": (2010, 2000)})
    with pytest.raises(ValueError, match="empty"):
        check_periods({})
    check_periods(PERIODS)


def test_periods_column_orders_labels_and_leaves_nat_empty() -> None:
    dates = pd.Series(pd.to_datetime(["2017-05-01", None, "2019-01-02", "2018-03-03"]))
    column = periods_column(dates)
    assert list(column.categories) == list(PERIODS)
    assert column.ordered
    assert column[0] == "to 2017" and column[2] == "2019 on" and column[3] == "2018"
    assert pd.isna(column[1])
    assert np.sum(pd.isna(column)) == 1
