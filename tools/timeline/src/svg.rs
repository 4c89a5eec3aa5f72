//! Drawing spans as a self-contained SVG: one row per lane, one bar per span,
//! a time axis in milliseconds, with the primitives of [`crate::draw`].

use crate::Span;
use crate::draw::{self, Axis, escape, palette};
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::Path;

const WIDTH: f64 = 860.0;
/// Room on the left for the lane names.
const PLOT_LEFT: f64 = 150.0;
const PLOT_RIGHT_MARGIN: f64 = 30.0;
const PLOT_WIDTH: f64 = WIDTH - PLOT_LEFT - PLOT_RIGHT_MARGIN;
const ROW_HEIGHT: f64 = 30.0;
const BAR_HEIGHT: f64 = 20.0;
const AXIS_HEIGHT: f64 = 44.0;
/// A rough width of one character of the 12px sans-serif labels.
const CHAR_WIDTH: f64 = 7.0;
/// About this many steps on the time axis.
const TICKS: f64 = 8.0;

/// Spans ready to be drawn.
#[derive(Debug, Clone)]
pub struct Timeline {
    spans: Vec<Span>,
    title: Option<String>,
    first_lanes: Vec<String>,
}

/// Where one span is drawn, in SVG user units (what [`Timeline::to_svg`] writes).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The row: an index into [`Timeline::lanes`].
    pub lane: usize,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Start and end in milliseconds since the earliest span started.
    pub start_ms: f64,
    pub end_ms: f64,
    pub label: String,
}

impl Timeline {
    /// A timeline of `spans`, in any order.
    pub fn new(spans: Vec<Span>) -> Timeline {
        Timeline {
            spans,
            title: None,
            first_lanes: Vec::new(),
        }
    }

    /// Puts these lanes at the top, in this order; the others follow in
    /// name order. Names with no span are left out.
    pub fn lane_order(mut self, first: &[&str]) -> Timeline {
        self.first_lanes = first.iter().map(|l| l.to_string()).collect();
        self
    }

    /// A caption drawn above the rows.
    pub fn title(mut self, title: &str) -> Timeline {
        self.title = Some(title.to_string());
        self
    }

    /// The lane names, one per row, top to bottom: those given to
    /// [`Timeline::lane_order`] first, then the others sorted by name, with
    /// numbers compared as numbers (`worker 2` before `worker 10`).
    pub fn lanes(&self) -> Vec<String> {
        let mut rest: Vec<String> = self
            .spans
            .iter()
            .map(|s| s.lane.clone())
            .filter(|l| !self.first_lanes.contains(l))
            .collect();
        rest.sort_by(|a, b| natural_cmp(a, b));
        rest.dedup();
        let mut lanes: Vec<String> = Vec::new();
        for lane in &self.first_lanes {
            if !lanes.contains(lane) && self.spans.iter().any(|s| s.lane == *lane) {
                lanes.push(lane.clone());
            }
        }
        lanes.extend(rest);
        lanes
    }

    /// The earliest start in nanoseconds, and the time axis in milliseconds
    /// from there: it reaches the latest end, and at least 1 ms, so that an
    /// empty timeline or one made of instants still has an axis (and no
    /// division by zero).
    fn range(&self) -> (u64, Axis) {
        let origin = self.spans.iter().map(|s| s.start_ns).min().unwrap_or(0);
        let end = self.spans.iter().map(|s| s.end_ns).max().unwrap_or(0);
        let total_ms = (end - origin).max(1_000_000) as f64 / 1e6;
        (origin, Axis::linear(total_ms, TICKS))
    }

    fn top(&self) -> f64 {
        if self.title.is_some() { 40.0 } else { 14.0 }
    }

    /// Where each span is drawn, in the order the spans were given. The x
    /// position and width are proportional to time; a bar is at least one
    /// unit wide so that very short spans stay visible.
    pub fn bars(&self) -> Vec<Bar> {
        let lanes = self.lanes();
        let (origin, axis) = self.range();
        let x_of = |ns: u64| PLOT_LEFT + axis.position((ns - origin) as f64 / 1e6) * PLOT_WIDTH;
        self.spans
            .iter()
            .map(|s| {
                let lane = lanes
                    .iter()
                    .position(|l| *l == s.lane)
                    .expect("every lane is listed");
                let x = x_of(s.start_ns);
                Bar {
                    lane,
                    x,
                    y: self.top() + lane as f64 * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2.0,
                    width: (x_of(s.end_ns) - x).max(1.0),
                    height: BAR_HEIGHT,
                    start_ms: (s.start_ns - origin) as f64 / 1e6,
                    end_ms: (s.end_ns - origin) as f64 / 1e6,
                    label: s.label.clone(),
                }
            })
            .collect()
    }

    /// The picture, as a complete SVG document.
    pub fn to_svg(&self) -> String {
        let lanes = self.lanes();
        let (_, axis) = self.range();
        let top = self.top();
        let rows_height = lanes.len().max(1) as f64 * ROW_HEIGHT;
        let axis_y = top + rows_height;
        let height = axis_y + AXIS_HEIGHT;
        let mut out = String::new();
        let w = &mut out;
        draw::open(
            w,
            WIDTH,
            height,
            self.title.as_deref().unwrap_or("timeline"),
        );
        if let Some(title) = &self.title {
            draw::heading(w, PLOT_LEFT, 24.0, 14, title);
        }
        // Writing to a String cannot fail: the `let _ =` below are for that.
        for (i, lane) in lanes.iter().enumerate() {
            let y = top + i as f64 * ROW_HEIGHT;
            if i % 2 == 0 {
                let _ = writeln!(
                    w,
                    r#"<rect x="0" y="{y}" width="{WIDTH}" height="{ROW_HEIGHT}" fill="{}"/>"#,
                    palette::STRIPE
                );
            }
            let _ = writeln!(
                w,
                r#"<text class="lane" x="{}" y="{}" text-anchor="end" fill="{}">{}</text>"#,
                PLOT_LEFT - 10.0,
                y + ROW_HEIGHT / 2.0 + 4.0,
                palette::INK,
                escape(lane)
            );
        }
        if lanes.is_empty() {
            let (x, y) = (PLOT_LEFT + PLOT_WIDTH / 2.0, top + ROW_HEIGHT / 2.0 + 4.0);
            draw::text(w, x, y, "middle", palette::INK, "no spans recorded");
        }
        let decimals = match axis {
            Axis::Linear { step, .. } if step < 1.0 => (-step.log10()).ceil() as usize,
            _ => 0,
        };
        axis.draw(w, (PLOT_LEFT, PLOT_WIDTH), (top, axis_y), |t| {
            format!("{t:.decimals$}")
        });
        let (x, y) = (PLOT_LEFT + PLOT_WIDTH / 2.0, axis_y + 36.0);
        draw::text(w, x, y, "middle", palette::INK, "time (ms)");
        for bar in self.bars() {
            let fill = palette::SERIES[bar.lane % palette::SERIES.len()];
            let _ = writeln!(
                w,
                r#"<rect class="span" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" rx="3" fill="{fill}" stroke="{}" stroke-width="0.75"><title>{}: {} ({:.3} to {:.3} ms)</title></rect>"#,
                bar.x,
                bar.y,
                bar.width,
                bar.height,
                palette::OUTLINE,
                escape(&lanes[bar.lane]),
                escape(&bar.label),
                bar.start_ms,
                bar.end_ms
            );
            if let Some(text) = fit_label(&bar.label, bar.width) {
                let (x, y) = (bar.x + 4.0, bar.y + BAR_HEIGHT / 2.0 + 4.0);
                draw::text(w, x, y, "start", palette::INK, &text);
            }
        }
        draw::close(w);
        out
    }

    /// Writes [`Timeline::to_svg`] to `path`.
    pub fn write_svg(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        std::fs::write(path, self.to_svg())
    }
}

/// The label as it fits in a bar `width` units wide: whole, shortened with an
/// ellipsis, or not at all.
fn fit_label(label: &str, width: f64) -> Option<String> {
    let room = ((width - 8.0) / CHAR_WIDTH).floor();
    let chars = label.chars().count();
    if room >= chars as f64 {
        Some(label.to_string())
    } else if room >= 4.0 {
        let kept: String = label.chars().take(room as usize - 1).collect();
        Some(format!("{kept}…"))
    } else {
        None
    }
}

/// Compares names with runs of digits compared as numbers.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
                let db = b.find(|c: char| !c.is_ascii_digit()).unwrap_or(b.len());
                let (na, nb) = (
                    a[..da].trim_start_matches('0'),
                    b[..db].trim_start_matches('0'),
                );
                let by_value = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (a, b) = (&a[da..], &b[db..]);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn one_row_per_lane_and_one_bar_per_span() {
        let t0 = 5_000 * MS; // any origin: positions are relative to the first start
        let timeline = Timeline::new(vec![
            Span::new("worker 10", "c", t0 + 5 * MS, t0 + 6 * MS),
            Span::new("worker 2", "b", t0, t0 + 2 * MS),
            Span::new("main", "a", t0, t0 + 10 * MS),
            Span::new("worker 2", "b2", t0 + 3 * MS, t0 + 4 * MS),
        ]);
        assert_eq!(timeline.lanes(), ["main", "worker 2", "worker 10"]);
        let svg = timeline.to_svg();
        assert_eq!(svg.matches(r#"class="lane""#).count(), 3);
        assert_eq!(svg.matches(r#"class="span""#).count(), 4);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn bars_are_placed_in_proportion_to_time() {
        let t0 = 77 * MS;
        let timeline = Timeline::new(vec![
            Span::new("a", "first quarter", t0, t0 + 10 * MS),
            Span::new("b", "the rest", t0 + 10 * MS, t0 + 40 * MS),
        ]);
        let bars = timeline.bars();
        assert!(close(bars[0].x, PLOT_LEFT));
        assert!(close(bars[0].width, PLOT_WIDTH / 4.0));
        assert!(close(bars[1].x, PLOT_LEFT + PLOT_WIDTH / 4.0));
        assert!(close(bars[1].width, PLOT_WIDTH * 3.0 / 4.0));
        assert!(close(bars[1].end_ms, 40.0));
        assert!(bars[1].y > bars[0].y, "lane b is drawn below lane a");
        let svg = timeline.to_svg();
        let first = format!(
            r#"x="{:.2}" y="{:.2}" width="{:.2}""#,
            bars[1].x, bars[1].y, bars[1].width
        );
        assert!(
            svg.contains(&first),
            "the SVG draws the bar where bars() says:\n{svg}"
        );
    }

    #[test]
    fn the_axis_is_in_milliseconds_with_round_ticks() {
        let timeline = Timeline::new(vec![Span::new("a", "x", 0, 40 * MS)]);
        let svg = timeline.to_svg();
        for tick in [">0</text>", ">5</text>", ">40</text>", "time (ms)"] {
            assert!(svg.contains(tick), "expected a tick {tick:?} in\n{svg}");
        }
        let (_, axis) = Timeline::new(vec![Span::new("a", "x", 0, MS)]).range();
        assert_eq!(axis.ticks()[1], 0.2, "1 ms in steps of 0.2 ms");
    }

    #[test]
    fn an_empty_timeline_is_a_valid_picture_without_nan() {
        let svg = Timeline::new(Vec::new()).title("nothing yet").to_svg();
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert!(svg.contains("no spans recorded"));
        assert_eq!(svg.matches(r#"class="span""#).count(), 0);
    }

    #[test]
    fn instants_are_drawn_as_thin_bars_without_nan() {
        let timeline = Timeline::new(vec![Span::new("a", "tick", 9 * MS, 9 * MS)]);
        let bars = timeline.bars();
        assert!(close(bars[0].x, PLOT_LEFT));
        assert!(close(bars[0].width, 1.0));
        assert!(!timeline.to_svg().contains("NaN"));
    }

    #[test]
    fn text_is_escaped_and_long_labels_are_shortened() {
        let timeline = Timeline::new(vec![
            Span::new("<main>", "a & b", 0, 10 * MS),
            Span::new("x", "a label far too long for a bar this narrow", 0, MS / 5),
        ]);
        let svg = timeline.to_svg();
        assert!(svg.contains("&lt;main&gt;") && svg.contains("a &amp; b"));
        assert!(!svg.contains("<main>"));
        assert_eq!(
            fit_label("request 12", 200.0).as_deref(),
            Some("request 12")
        );
        assert_eq!(fit_label("request 12", 50.0).as_deref(), Some("reque…"));
        assert_eq!(fit_label("request 12", 20.0), None);
    }

    #[test]
    fn chosen_lanes_come_first() {
        let timeline = Timeline::new(vec![
            Span::new("singer", "s", 0, MS),
            Span::new("dancer", "d", 0, MS),
            Span::new("main", "m", 0, MS),
            Span::new("audience", "a", 0, MS),
        ])
        .lane_order(&["main", "nobody", "singer"]);
        assert_eq!(timeline.lanes(), ["main", "singer", "audience", "dancer"]);
        assert_eq!(timeline.bars()[2].lane, 0, "main's bar is on the first row");
    }

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        let mut names = vec!["t10", "t2", "main", "t1", "t02b"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, ["main", "t1", "t2", "t02b", "t10"]);
    }
}
