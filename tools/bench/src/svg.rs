//! Horizontal bar charts: one chart per section of the table, one group of
//! bars (Rust, Python, floor) per row, drawn with the book's SVG primitives
//! (`timeline::draw`: the same escaping, palette and axis as the timelines).
//!
//! Times and rates of one chart can span four orders of magnitude (a thread
//! and a fresh Python interpreter), so a chart switches to a logarithmic axis
//! when its largest value is more than [`LOG_SCALE_ABOVE`] times its
//! smallest, and says so in its subtitle. Every bar carries its value as
//! text, so nobody has to read a log axis to get a number.

use std::fmt::Write as _;

use timeline::draw::{self, Axis, escape, palette};

use crate::report::{Results, Row, Section, Unit, format_time, rows, three_digits};

/// Above this ratio of largest to smallest value, the axis is logarithmic.
pub const LOG_SCALE_ABOVE: f64 = 30.0;

const WIDTH: f64 = 760.0;
/// Where the bars start; the side labels sit to the left of it.
const BARS_LEFT: f64 = 90.0;
/// Room on the right for the value written after the longest bar.
const VALUE_ROOM: f64 = 110.0;
const BAR_HEIGHT: f64 = 16.0;
const BAR_GAP: f64 = 4.0;
const GROUP_TITLE: f64 = 20.0;
const GROUP_GAP: f64 = 10.0;
const TOP: f64 = 56.0;
const AXIS_ROOM: f64 = 36.0;

/// Which side of the comparison a bar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Rust,
    Python,
    Floor,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Rust => "Rust",
            Side::Python => "Python",
            Side::Floor => "floor",
        }
    }

    fn color(self) -> &'static str {
        match self {
            Side::Rust => palette::RUST,
            Side::Python => palette::PYTHON,
            Side::Floor => palette::FLOOR,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub side: Side,
    /// Seconds per operation, as measured.
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub title: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: String,
    pub unit: Unit,
    pub groups: Vec<Group>,
}

/// The chart of one section, or `None` if nothing in it was measured.
pub fn chart_for(section: &Section, results: &Results) -> Option<Chart> {
    let section_rows: Vec<Row> = rows()
        .into_iter()
        .filter(|r| r.section == section.name)
        .collect();
    let unit = section_rows.first()?.unit;
    let groups: Vec<Group> = section_rows
        .iter()
        .filter_map(|row| {
            let bars: Vec<Bar> = [Side::Rust, Side::Python, Side::Floor]
                .into_iter()
                .zip(row.measured())
                .filter_map(|(side, m)| {
                    Some(Bar {
                        side,
                        seconds: results.get(m?)?,
                    })
                })
                .collect();
            (!bars.is_empty()).then(|| Group {
                title: row.title.replace('`', ""),
                bars,
            })
        })
        .collect();
    (!groups.is_empty()).then(|| Chart {
        title: section.title.to_string(),
        unit,
        groups,
    })
}

/// How a chart writes its numbers: rates are divided into the unit of the
/// largest one (so that ticks fall on round numbers of GiB/s, say), times are
/// written in whatever unit suits each one.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scale {
    divisor: f64,
    suffix: Option<&'static str>,
}

impl Scale {
    fn for_unit(unit: Unit, max: f64) -> Scale {
        const MIB: f64 = 1024.0 * 1024.0;
        let (divisor, suffix) = match unit {
            Unit::Time => (1.0, None),
            Unit::Bytes(_) if max >= 1024.0 * MIB => (1024.0 * MIB, Some("GiB/s")),
            Unit::Bytes(_) => (MIB, Some("MiB/s")),
            Unit::Items if max >= 1e6 => (1e6, Some("M items/s")),
            Unit::Items => (1e3, Some("k items/s")),
        };
        Scale { divisor, suffix }
    }

    /// A value already divided by `divisor`, with its unit.
    fn label(&self, scaled: f64) -> String {
        if scaled == 0.0 {
            return "0".to_string(); // the origin of a linear axis needs no unit
        }
        match self.suffix {
            Some(suffix) => format!("{} {suffix}", three_digits(scaled)),
            None => format_time(scaled),
        }
    }
}

/// The axis for values between `min` and `max` (both positive): logarithmic
/// when they span more than [`LOG_SCALE_ABOVE`], else linear from 0.
pub fn fit_axis(min: f64, max: f64) -> Axis {
    if max / min > LOG_SCALE_ABOVE {
        Axis::log(min, max)
    } else {
        Axis::linear(max, 5.0)
    }
}

/// The chart as a standalone SVG document.
pub fn render_svg(chart: &Chart) -> String {
    let values: Vec<f64> = chart
        .groups
        .iter()
        .flat_map(|g| &g.bars)
        .map(|b| chart.unit.value(b.seconds))
        .collect();
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    let scale = Scale::for_unit(chart.unit, max);
    let axis = fit_axis(min / scale.divisor, max / scale.divisor);
    let plot_width = WIDTH - BARS_LEFT - VALUE_ROOM;

    let bars_height: f64 = chart
        .groups
        .iter()
        .map(|g| GROUP_TITLE + g.bars.len() as f64 * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP)
        .sum();
    let axis_y = TOP + bars_height;
    let height = axis_y + AXIS_ROOM;

    let mut svg = String::new();
    draw::open(&mut svg, WIDTH, height, &chart.title);
    draw::heading(&mut svg, 12.0, 22.0, 15, &chart.title);
    let reading = match chart.unit {
        Unit::Time => "time per operation: shorter is faster",
        Unit::Bytes(_) => "throughput: longer is faster",
        Unit::Items => "items per second: longer is faster",
    };
    let log_note = if axis.is_log() {
        " (logarithmic axis: each grid line is 10×)"
    } else {
        ""
    };
    let subtitle = format!("{reading}{log_note}");
    draw::text(&mut svg, 12.0, 40.0, "start", palette::MUTED, &subtitle);

    // The axis first, so that the bars are drawn over its grid lines.
    axis.draw(&mut svg, (BARS_LEFT, plot_width), (TOP, axis_y), |tick| {
        scale.label(tick)
    });

    let mut y = TOP;
    for group in &chart.groups {
        let _ = writeln!(
            svg,
            r#"<text x="12" y="{:.1}" font-weight="bold" fill="{}">{}</text>"#,
            y + 14.0,
            palette::INK,
            escape(&group.title)
        );
        y += GROUP_TITLE;
        for bar in &group.bars {
            let value = chart.unit.value(bar.seconds) / scale.divisor;
            let length = (axis.position(value) * plot_width).max(2.0);
            let (label_x, label_y) = (BARS_LEFT - 8.0, y + 12.0);
            draw::text(
                &mut svg,
                label_x,
                label_y,
                "end",
                palette::INK,
                bar.side.label(),
            );
            let _ = writeln!(
                svg,
                r#"<rect class="bar {}" x="{BARS_LEFT}" y="{y:.1}" width="{length:.1}" height="{BAR_HEIGHT}" fill="{}"/>"#,
                bar.side.label().to_lowercase(),
                bar.side.color()
            );
            let value_x = BARS_LEFT + length + 6.0;
            draw::text(
                &mut svg,
                value_x,
                y + 12.0,
                "start",
                palette::INK,
                &scale.label(value),
            );
            y += BAR_HEIGHT + BAR_GAP;
        }
        y += GROUP_GAP;
    }
    draw::close(&mut svg);
    svg
}
