//! Charts drawn as SVG on the server: a report page needs no script to show them, prints as it
//! looks, and each mark carries a `<title>` (the tooltip, and what a screen reader says).

use std::fmt::Write;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
/// Room for the labels below and for the scale's top figure above the plot (written inside
/// the chart, so a long amount is never cut off).
const LEFT: f64 = 4.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 22.0;
/// About how wide a label's character is at the chart's text size (14 px).
const CHAR_WIDTH: f64 = 8.0;

/// `label` cut to `room` characters, an ellipsis saying so (the bar's tooltip has it whole).
fn fit(label: &str, room: usize) -> String {
    if label.chars().count() <= room {
        return label.to_owned();
    }
    let mut cut: String = label.chars().take(room.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Bars, one per label, each stacked from its series' values (none negative are drawn; a
/// refund-heavy month shows as an empty bar, its figure still in the table below).
pub struct Bars<'a> {
    pub labels: Vec<String>,
    /// Each series' name and one value per label.
    pub series: Vec<(String, Vec<i64>)>,
    pub format: &'a dyn Fn(i64) -> String,
    /// What the chart shows, for those who cannot see it.
    pub title: String,
}

impl Bars<'_> {
    pub fn svg(&self) -> String {
        let totals: Vec<i64> = (0..self.labels.len())
            .map(|i| self.series.iter().map(|(_, v)| v.get(i).copied().unwrap_or(0).max(0)).sum())
            .collect();
        let top = totals.iter().copied().max().unwrap_or(0).max(1) as f64;
        let plot = HEIGHT - BOTTOM - TOP;
        let step = (WIDTH - LEFT) / self.labels.len().max(1) as f64;
        let bar = (step * 0.7).min(48.0);
        let mut out = format!(
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\">",
            esc(&self.title)
        );
        for y in [TOP, TOP + plot] {
            let _ = write!(out, "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>");
        }
        let _ = write!(
            out,
            "<text class=\"scale\" x=\"{LEFT}\" y=\"{:.1}\">{}</text>",
            TOP - 6.0,
            esc(&(self.format)(top as i64))
        );
        // Every label when they fit, else every n-th: a year of days stays readable.
        let every = (self.labels.len() as f64 / 12.0).ceil().max(1.0) as usize;
        // Each shown label keeps to the room its bars leave it: names never run into each other.
        let room = ((step * every as f64) / CHAR_WIDTH).floor().max(1.0) as usize;
        for (i, label) in self.labels.iter().enumerate() {
            let x = LEFT + step * i as f64 + (step - bar) / 2.0;
            let mut y = TOP + plot;
            for (s, (name, values)) in self.series.iter().enumerate() {
                let v = values.get(i).copied().unwrap_or(0).max(0);
                if v == 0 {
                    continue;
                }
                let h = plot * v as f64 / top;
                y -= h;
                let _ = write!(
                    out,
                    "<rect class=\"s{s}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\"><title>{}: {}: {}</title></rect>",
                    esc(label),
                    esc(name),
                    esc(&(self.format)(v))
                );
            }
            if i % every == 0 {
                let _ = write!(
                    out,
                    "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    x + bar / 2.0,
                    HEIGHT - 6.0,
                    esc(&fit(label, room))
                );
            }
        }
        out.push_str("</svg>");
        out
    }
}

/// A grid of shares (0 to 1) shaded by how full each cell is; `None` is a cell with nothing to
/// measure (the club closed then).
pub struct Heatmap {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub cells: Vec<Vec<Option<f64>>>,
    pub title: String,
}

impl Heatmap {
    pub fn svg(&self) -> String {
        let (cell_w, cell_h, left, top) = (26.0, 22.0, 44.0, 18.0);
        let width = left + cell_w * self.columns.len() as f64;
        let height = top + cell_h * self.rows.len() as f64;
        let mut out = format!(
            "<svg class=\"chart heatmap\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\">",
            esc(&self.title)
        );
        for (c, column) in self.columns.iter().enumerate() {
            let _ = write!(
                out,
                "<text class=\"label\" x=\"{:.1}\" y=\"12\" text-anchor=\"middle\">{}</text>",
                left + cell_w * c as f64 + cell_w / 2.0,
                esc(column)
            );
        }
        for (r, row) in self.rows.iter().enumerate() {
            let y = top + cell_h * r as f64;
            let _ = write!(out, "<text class=\"label\" x=\"0\" y=\"{:.1}\">{}</text>", y + 15.0, esc(row));
            for (c, column) in self.columns.iter().enumerate() {
                let x = left + cell_w * c as f64;
                let Some(share) = self.cells.get(r).and_then(|cells| cells.get(c)).copied().flatten() else {
                    continue;
                };
                let pct = (share * 100.0).round();
                let _ = write!(
                    out,
                    "<rect class=\"heat\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill-opacity=\"{:.2}\"><title>{} {}: {pct}%</title></rect>",
                    x + 1.0,
                    y + 1.0,
                    cell_w - 2.0,
                    cell_h - 2.0,
                    0.08 + 0.92 * share.clamp(0.0, 1.0),
                    esc(row),
                    esc(column)
                );
            }
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stack_their_series_and_name_every_mark() {
        let format = |v: i64| format!("₽{v}");
        let bars = Bars {
            labels: vec!["Nov".into(), "<Dec>".into()],
            series: vec![("Cash".into(), vec![300, 100]), ("Card".into(), vec![100, -50])],
            format: &format,
            title: "Money in".into(),
        };
        let svg = bars.svg();
        assert!(svg.contains("<title>Nov: Cash: ₽300</title>") && svg.contains("<title>Nov: Card: ₽100</title>"));
        assert!(svg.contains("&lt;Dec&gt;: Cash: ₽100"), "labels are escaped: {svg}");
        assert!(!svg.contains("₽-50"), "a negative value draws nothing");
        assert!(svg.contains(">₽400</text>"), "the scale tops at the tallest bar");
        assert_eq!(svg.matches("<rect").count(), 3);
    }

    #[test]
    fn long_labels_are_cut_to_their_room() {
        let format = |v: i64| v.to_string();
        let labels: Vec<String> = (0..12).map(|i| format!("Juniors, improvers {i}")).collect();
        let bars = Bars { labels, series: vec![("Came".into(), vec![1; 12])], format: &format, title: "T".into() };
        let svg = bars.svg();
        assert!(svg.contains(">Junior…</text>"), "{svg}");
        assert!(svg.contains("<title>Juniors, improvers 0: Came: 1</title>"), "the tooltip keeps the name");
    }

    #[test]
    fn a_heatmap_shades_by_share_and_leaves_closed_hours_blank() {
        let map = Heatmap {
            rows: vec!["Mon".into()],
            columns: vec!["07".into(), "08".into(), "09".into()],
            cells: vec![vec![None, Some(0.0), Some(0.75)]],
            title: "Occupancy".into(),
        };
        let svg = map.svg();
        assert_eq!(svg.matches("<rect").count(), 2, "07:00 is closed");
        assert!(svg.contains("fill-opacity=\"0.08\"><title>Mon 08: 0%</title>"));
        assert!(svg.contains("fill-opacity=\"0.77\"><title>Mon 09: 75%</title>"));
    }
}
