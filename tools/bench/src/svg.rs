//! Horizontal bar charts, written as SVG by hand: one chart per section of
//! the table, one group of bars (Rust, Python, floor) per row.
//!
//! Times and rates of one chart can span four orders of magnitude (a thread
//! and a fresh Python interpreter), so a chart switches to a logarithmic axis
//! when its largest value is more than [`LOG_SCALE_ABOVE`] times its
//! smallest, and says so in its subtitle. Every bar carries its value as
//! text, so nobody has to read a log axis to get a number.

use std::fmt::Write as _;

use crate::report::{Measured, Results, Row, Section, Unit, format_time, rows, three_digits};

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
            Side::Rust => "#b7410e",
            Side::Python => "#3572a5",
            Side::Floor => "#8a8a8a",
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
            let sides = [
                (Side::Rust, row.rust.map(Measured::Rust)),
                (Side::Python, row.python.map(Measured::Python)),
                (Side::Floor, row.floor.map(Measured::Rust)),
            ];
            let bars: Vec<Bar> = sides
                .into_iter()
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

/// The axis: maps a value to a bar length, and lists its ticks.
#[derive(Debug, Clone, PartialEq)]
pub enum Axis {
    Linear { max: f64 },
    Log { low: f64, high: f64 },
}

impl Axis {
    /// The axis for values between `min` and `max` (both positive).
    pub fn fit(min: f64, max: f64) -> Axis {
        if max / min > LOG_SCALE_ABOVE {
            Axis::Log {
                low: 10f64.powf(min.log10().floor()),
                high: 10f64.powf(max.log10().ceil()),
            }
        } else {
            Axis::Linear {
                max: nice_step(max / 5.0) * (max / nice_step(max / 5.0)).ceil(),
            }
        }
    }

    /// Where `value` falls, from 0 (axis start) to 1 (axis end).
    pub fn position(&self, value: f64) -> f64 {
        match *self {
            Axis::Linear { max } => value / max,
            Axis::Log { low, high } => (value / low).log10() / (high / low).log10(),
        }
    }

    pub fn ticks(&self) -> Vec<f64> {
        match *self {
            Axis::Linear { max } => {
                let step = nice_step(max / 5.0);
                let count = (max / step).round() as usize;
                (0..=count).map(|i| i as f64 * step).collect()
            }
            Axis::Log { low, high } => {
                let decades = (high / low).log10().round() as i32;
                (0..=decades).map(|i| low * 10f64.powi(i)).collect()
            }
        }
    }

    pub fn is_log(&self) -> bool {
        matches!(self, Axis::Log { .. })
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// Escapes text for an SVG text node or attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
    let axis = Axis::fit(min / scale.divisor, max / scale.divisor);
    let plot_width = WIDTH - BARS_LEFT - VALUE_ROOM;

    let bars_height: f64 = chart
        .groups
        .iter()
        .map(|g| GROUP_TITLE + g.bars.len() as f64 * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP)
        .sum();
    let axis_y = TOP + bars_height;
    let height = axis_y + AXIS_ROOM;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" font-family="sans-serif" font-size="12">"#,
        escape(&chart.title)
    );
    let _ = writeln!(svg, "<title>{}</title>", escape(&chart.title));
    let _ = writeln!(
        svg,
        r#"<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="white"/>"#
    );
    let _ = writeln!(
        svg,
        r##"<text x="12" y="22" font-size="15" font-weight="bold" fill="#222">{}</text>"##,
        escape(&chart.title)
    );
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
    let _ = writeln!(
        svg,
        r##"<text x="12" y="40" fill="#555">{reading}{log_note}</text>"##
    );

    // Grid lines and tick labels first, so that the bars are drawn over them.
    for tick in axis.ticks() {
        let x = BARS_LEFT + axis.position(tick) * plot_width;
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{axis_y}" stroke="#ddd"/>"##
        );
        let _ = writeln!(
            svg,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}</text>"##,
            axis_y + 16.0,
            escape(&scale.label(tick))
        );
    }

    let mut y = TOP;
    for group in &chart.groups {
        let _ = writeln!(
            svg,
            r##"<text x="12" y="{:.1}" font-weight="bold" fill="#222">{}</text>"##,
            y + 14.0,
            escape(&group.title)
        );
        y += GROUP_TITLE;
        for bar in &group.bars {
            let value = chart.unit.value(bar.seconds) / scale.divisor;
            let length = (axis.position(value) * plot_width).max(2.0);
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text>"##,
                BARS_LEFT - 8.0,
                y + 12.0,
                bar.side.label()
            );
            let _ = writeln!(
                svg,
                r#"<rect class="bar {}" x="{BARS_LEFT}" y="{y:.1}" width="{length:.1}" height="{BAR_HEIGHT}" fill="{}"/>"#,
                bar.side.label().to_lowercase(),
                bar.side.color()
            );
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" fill="#222">{}</text>"##,
                BARS_LEFT + length + 6.0,
                y + 12.0,
                escape(&scale.label(value))
            );
            y += BAR_HEIGHT + BAR_GAP;
        }
        y += GROUP_GAP;
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{BARS_LEFT}" y1="{axis_y}" x2="{:.1}" y2="{axis_y}" stroke="#888"/>"##,
        BARS_LEFT + plot_width
    );
    svg.push_str("</svg>\n");
    svg
}
