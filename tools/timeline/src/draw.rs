//! The SVG primitives every picture of the book is drawn with: the timelines
//! of this crate and the benchmark charts of `tools/bench`. One escaping
//! function, one palette, one axis, one document frame, so that the pictures
//! look alike and a fix reaches all of them.

use std::fmt::Write as _;

/// Escapes text for an SVG text node or an attribute value.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The colours: dark ink on a white background, so that a picture reads the
/// same wherever it is shown.
pub mod palette {
    pub const BACKGROUND: &str = "#ffffff";
    /// Every other row of a timeline.
    pub const STRIPE: &str = "#f3f4f6";
    /// Titles, labels, values.
    pub const INK: &str = "#111827";
    /// Subtitles and tick labels.
    pub const MUTED: &str = "#4b5563";
    /// Grid lines.
    pub const GRID: &str = "#d1d5db";
    /// Axis lines and bar outlines.
    pub const OUTLINE: &str = "#374151";
    /// Light fills for lanes, in order: dark ink stays readable on them.
    pub const SERIES: [&str; 8] = [
        "#93c5fd", "#fca5a5", "#86efac", "#fcd34d", "#c4b5fd", "#f9a8d4", "#67e8f9", "#fdba74",
    ];
    /// The benchmark charts' sides: Rust, Python, and the system-call floor.
    pub const RUST: &str = "#b7410e";
    pub const PYTHON: &str = "#3572a5";
    pub const FLOOR: &str = "#8a8a8a";
}

/// Opens an SVG document `width` by `height` with its title (for screen
/// readers and as a tooltip) and the background; [`close`] ends it.
pub fn open(svg: &mut String, width: f64, height: f64, title: &str) {
    let title = escape(title);
    // Writing to a String cannot fail: the `let _ =` in this module are for that.
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{title}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, "<title>{title}</title>");
    let _ = writeln!(
        svg,
        r#"<rect width="100%" height="100%" fill="{}"/>"#,
        palette::BACKGROUND
    );
}

/// Ends a document begun with [`open`].
pub fn close(svg: &mut String) {
    svg.push_str("</svg>\n");
}

/// A line of text at (`x`, `y`). `anchor` is `start`, `middle` or `end`.
pub fn text(svg: &mut String, x: f64, y: f64, anchor: &str, fill: &str, text: &str) {
    let _ = writeln!(
        svg,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="{fill}">{}</text>"#,
        escape(text)
    );
}

/// A title in bold, `size` pixels high.
pub fn heading(svg: &mut String, x: f64, y: f64, size: u32, text: &str) {
    let _ = writeln!(
        svg,
        r#"<text x="{x:.1}" y="{y:.1}" font-size="{size}" font-weight="bold" fill="{}">{}</text>"#,
        palette::INK,
        escape(text)
    );
}

/// 1, 2 or 5 times a power of ten, at least `raw`: the step between ticks.
pub fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * power)
}

/// A value axis: where a value falls, where the ticks are, and how they are
/// drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Axis {
    /// From 0 to `max`, a tick every `step`.
    Linear { max: f64, step: f64 },
    /// From `low` to `high`, both powers of ten, a tick every decade.
    Log { low: f64, high: f64 },
}

impl Axis {
    /// A linear axis from 0 that reaches `max` with about `ticks` round steps
    /// (it ends on the first tick at or above `max`).
    pub fn linear(max: f64, ticks: f64) -> Axis {
        let step = nice_step(max / ticks);
        Axis::Linear {
            max: step * (max / step * (1.0 - 1e-9)).ceil().max(1.0),
            step,
        }
    }

    /// A logarithmic axis over whole decades, from below `min` to above `max`.
    pub fn log(min: f64, max: f64) -> Axis {
        Axis::Log {
            low: 10f64.powf(min.log10().floor()),
            high: 10f64.powf(max.log10().ceil()),
        }
    }

    /// Where `value` falls, from 0 (the axis start) to 1 (its end).
    pub fn position(&self, value: f64) -> f64 {
        match *self {
            Axis::Linear { max, .. } => value / max,
            Axis::Log { low, high } => (value / low).log10() / (high / low).log10(),
        }
    }

    pub fn ticks(&self) -> Vec<f64> {
        match *self {
            Axis::Linear { max, step } => {
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

    /// Draws the axis horizontally under a plot `width` wide starting at
    /// `left`: a grid line per tick from `top` to `bottom`, the tick's label
    /// under it, and the axis line at `bottom`.
    pub fn draw(
        &self,
        svg: &mut String,
        (left, width): (f64, f64),
        (top, bottom): (f64, f64),
        label: impl Fn(f64) -> String,
    ) {
        for tick in self.ticks() {
            let x = left + self.position(tick) * width;
            let _ = writeln!(
                svg,
                r#"<line x1="{x:.2}" y1="{top:.1}" x2="{x:.2}" y2="{bottom:.1}" stroke="{}" stroke-width="1"/>"#,
                palette::GRID
            );
            text(
                svg,
                x,
                bottom + 16.0,
                "middle",
                palette::MUTED,
                &label(tick),
            );
        }
        let _ = writeln!(
            svg,
            r#"<line x1="{left:.1}" y1="{bottom:.1}" x2="{:.1}" y2="{bottom:.1}" stroke="{}" stroke-width="1"/>"#,
            left + width,
            palette::OUTLINE
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(5.0), 5.0);
        assert_eq!(nice_step(0.125), 0.2);
        assert_eq!(nice_step(312.5), 500.0);
        assert_eq!(nice_step(1.1), 2.0);
    }

    #[test]
    fn a_linear_axis_ends_on_a_tick_at_or_above_the_largest_value() {
        let axis = Axis::linear(40.0, 8.0);
        assert_eq!(
            axis,
            Axis::Linear {
                max: 40.0,
                step: 5.0
            }
        );
        assert_eq!(axis.ticks().len(), 9);
        let axis = Axis::linear(37.0, 5.0);
        assert_eq!(
            axis,
            Axis::Linear {
                max: 40.0,
                step: 10.0
            }
        );
        assert_eq!(axis.position(20.0), 0.5);
    }

    #[test]
    fn a_log_axis_covers_whole_decades() {
        let axis = Axis::log(3e-6, 0.2);
        assert_eq!(axis.ticks().len(), 7, "{:?}", axis.ticks());
        assert!((axis.position(1e-4) - 2.0 / 6.0).abs() < 1e-9);
        assert!(axis.is_log());
    }

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;&gt;");
        let mut svg = String::new();
        open(&mut svg, 10.0, 10.0, "x < y");
        text(&mut svg, 0.0, 0.0, "start", palette::INK, "a & b");
        close(&mut svg);
        assert!(svg.contains("<title>x &lt; y</title>"), "{svg}");
        assert!(svg.contains(">a &amp; b</text>"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
