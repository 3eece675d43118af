"""What the snapshot holds: indicator definitions, their input files and precedence.

Pure constants; shared by the build (which reads the kit) and the app (which
labels figures).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Input:
    file: str  # path relative to the kit's data/eurostat folder
    indicator: str  # value of the 'indicator' column to take
    unit: str | None = None  # restrict to this unit where a file mixes units


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    short: str
    unit: str
    fmt: str  # python format spec for one value
    # Inputs in order of precedence: for a (region, year) the first one that has a value wins.
    inputs: tuple[Input, ...] = field(default_factory=tuple)
    note: str = ""
    # Ratios can be shown as a choropleth; absolute counts are still shown but noted.
    ratio: bool = True
    # Published at NUTS 2 only. At NUTS 1 the build derives what follows exactly from the NUTS 2
    # figures of the same year (build.derive_nuts1): the value of a NUTS 1 region's only NUTS 2 region
    # (the same territory), and, where ``nuts1_weight`` names the indicator that is the ratio's
    # denominator (GDP for a % of GDP), the weighted mean over all its NUTS 2 regions.
    nuts2_only: bool = False
    nuts1_weight: str = ""
    # Why a NUTS 1 region has no value where it has none (shown instead of a bare "no data").
    nuts1_gap: str = ""
    # Which way is better: "higher", "lower" (unemployment) or "" (a size, no judgement: GDP in
    # million EUR, population, area). Ranks put the better value first (1 = highest, or 1 = lowest
    # where lower is better); the comparison marks the better value; no direction, no mark.
    better: str = ""

    @property
    def rank_order(self) -> str:
        """What rank 1 means for this indicator."""
        return "1 = lowest value; lower is better" if self.better == "lower" else "1 = highest value"


GDP3 = "nama_10r_3gdp_all_units_nuts0123.csv.gz"
_NUTS1_RATE_GAP = ("published at NUTS 2 only; a NUTS 1 rate cannot be derived without the {what} of each NUTS 2 "
                   "region, which the snapshot does not hold")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "gdp_pps_pct_eu27", "GDP per inhabitant in PPS (% of EU-27 average)", "GDP/head PPS, EU=100",
        "% of EU-27", ",.0f",
        (Input("gdp_per_inhabitant_pps_pct_eu27.csv", "gdp_per_inhabitant_pps_pct_eu27"),
         Input(GDP3, "gdp_per_inhabitant_pps_pct_eu27")),
        better="higher",
    ),
    Indicator(
        "gdp_eur_hab", "GDP per inhabitant at current prices (EUR)", "GDP per head", "EUR", ",.0f",
        (Input("gdp_per_inhabitant_eur_2021_2023_latest_vintage.csv", "gdp_per_inhabitant_eur"),
         Input(GDP3, "gdp_per_inhabitant_eur")),
        better="higher",
    ),
    Indicator(
        "gdp_mio_eur", "GDP at current prices (million EUR)", "GDP", "M EUR", ",.1f",
        (Input("gdp_mio_eur_nuts012.csv", "gdp_current_prices"), Input(GDP3, "gdp_current_prices", "MIO_EUR")),
        ratio=False,
    ),
    Indicator(
        "gdp_share_national", "Share of national GDP (%)", "% of national GDP", "%", ",.1f",
        (Input("gdp_share_national.csv", "gdp_share_of_national_pct"),),
        note="Derived: regional GDP divided by national GDP (nama_10r_2gdp, million EUR).",
    ),
    Indicator(
        "gerd_pct_gdp", "Gross domestic expenditure on R&D (% of GDP)", "GERD", "% of GDP", ",.2f",
        (Input("gerd_pct_gdp.csv", "gerd_pct_gdp"),),
        nuts2_only=True, nuts1_weight="gdp_mio_eur",
        nuts1_gap=("published at NUTS 2 only; derived for a NUTS 1 region only for years in which every one of "
                   "its NUTS 2 regions has both GERD and GDP (million EUR) in the snapshot"),
        better="higher",
    ),
    Indicator(
        "unemployment_rate", "Unemployment rate, age 15-74 (%)", "Unemployment", "%", ",.1f",
        (Input("unemployment_rate.csv", "unemployment_rate"),),
        nuts2_only=True, nuts1_gap=_NUTS1_RATE_GAP.format(what="labour force (age 15-74)"),
        better="lower",
    ),
    Indicator(
        "employment_rate", "Employment rate, age 15-64 (%)", "Employment", "%", ",.1f",
        (Input("employment_rate_15_64.csv", "employment_rate_15_64"),),
        nuts2_only=True, nuts1_gap=_NUTS1_RATE_GAP.format(what="population aged 15-64"),
        better="higher",
    ),
    Indicator(
        "tertiary_attainment", "Tertiary educational attainment, age 25-64 (%)", "Tertiary education", "%", ",.1f",
        (Input("tertiary_attainment_25_64.csv", "tertiary_attainment_25_64"),),
        nuts2_only=True, nuts1_gap=_NUTS1_RATE_GAP.format(what="population aged 25-64"),
        better="higher",
    ),
    Indicator(
        "population", "Population on 1 January", "Population", "persons", ",.0f",
        (Input("population_1jan_nuts2.csv", "population_1jan"),
         Input("population_1jan_nuts0123_demo_r_pjangrp3.csv", "population_1jan"),
         Input("population_1jan_nuts01_derived_sum.csv", "population_1jan_sum_of_nuts2")),
        ratio=False,
    ),
    Indicator(
        "area_km2", "Area (km², computed from GISCO boundaries)", "Area", "km²", ",.0f",
        (Input("area_km2_nuts2021_computed.csv", "area_km2_computed_gisco"),),
        note="Computed from GISCO NUTS 2021 1:1M boundaries (planar area, EPSG:3035); not an official Eurostat figure.",
        ratio=False,
    ),
)

INDICATOR_BY_ID = {i.id: i for i in INDICATORS}

# The EU's outermost regions (TFEU art. 349) that have a NUTS 2 region, in the order the map offers
# them (west to east); Saint-Martin has no NUTS region of its own. Far from the mainland, they are
# shown through map views that fit each one (the explorer's ``view`` parameter).
OUTERMOST_REGIONS = ("PT20", "PT30", "ES70", "FRY1", "FRY2", "FRY3", "FRY5", "FRY4")

# Eurostat's titles of the datasets the statistics come from (the source column names them by code).
DATASET_NAMES = {
    "nama_10r_2gdp": "Gross domestic product (GDP) at current market prices by NUTS 2 regions",
    "nama_10r_3gdp": "Gross domestic product (GDP) at current market prices by NUTS 3 regions",
    "tgs00042": "Gross domestic expenditure on R&D (GERD) by NUTS 2 regions",
    "tgs00010": "Unemployment rate by NUTS 2 regions",
    "tgs00007": "Employment rate of the age group 15-64 by NUTS 2 regions",
    "tgs00109": "Population aged 25-64 with tertiary educational attainment by NUTS 2 regions",
    "demo_r_d2jan": "Population on 1 January by age, sex and NUTS 2 region",
    "demo_r_pjangrp3": "Population on 1 January by age group, sex and NUTS 3 region",
}

ATTRIBUTION = "© EuroGeographics for the administrative boundaries · Source: Eurostat"
ATTRIBUTION_LONG = (
    "Administrative boundaries: © EuroGeographics, © TurkStat. "
    "Source: European Commission – Eurostat/GISCO"
)
