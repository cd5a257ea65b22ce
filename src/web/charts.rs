//! Server-rendered charts: geometry for SVG bars with their numbers written out, so a chart reads
//! without JavaScript and without relying on colour.

/// One bar, with where its number is written.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub class: &'static str,
    pub value: i64,
    pub text_x: i64,
    pub text_y: i64,
}

pub struct Label {
    pub x: i64,
    pub y: i64,
    pub text: String,
}

pub struct Chart {
    /// Vertical bars (numbers and labels centred under them), or horizontal ones.
    pub vertical: bool,
    pub width: i64,
    pub height: i64,
    pub bars: Vec<Bar>,
    pub labels: Vec<Label>,
}

/// A group of values under one label (a week: red and yellow).
pub struct Group {
    pub label: String,
    pub values: Vec<(&'static str, i64)>,
}

const PLOT_HEIGHT: i64 = 140;
const TOP: i64 = 18;
const BAR: i64 = 16;
const GAP: i64 = 14;

/// Vertical grouped bars, scaled to the largest value.
pub fn grouped_bars(groups: &[Group]) -> Chart {
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().map(|(_, v)| *v))
        .max()
        .unwrap_or(0)
        .max(1);
    let per_group = groups.iter().map(|g| g.values.len() as i64).max().unwrap_or(1) * BAR + GAP;
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let x0 = GAP + i as i64 * per_group;
        for (j, (class, value)) in g.values.iter().enumerate() {
            let height = value * PLOT_HEIGHT / max;
            let x = x0 + j as i64 * BAR;
            let y = TOP + PLOT_HEIGHT - height;
            bars.push(Bar {
                x,
                y,
                width: BAR - 2,
                height,
                class,
                value: *value,
                text_x: x + (BAR - 2) / 2,
                text_y: y - 4,
            });
        }
        labels.push(Label {
            x: x0 + (per_group - GAP) / 2,
            y: TOP + PLOT_HEIGHT + 16,
            text: g.label.clone(),
        });
    }
    Chart {
        vertical: true,
        width: GAP + groups.len() as i64 * per_group,
        height: TOP + PLOT_HEIGHT + 24,
        bars,
        labels,
    }
}

/// Horizontal bars, one per labelled value (a funnel of stages), scaled to the largest.
pub fn horizontal_bars(rows: &[(String, i64)], class: &'static str) -> Chart {
    const LABEL_WIDTH: i64 = 110;
    const PLOT_WIDTH: i64 = 300;
    const ROW: i64 = 24;
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 4 + i as i64 * ROW;
        let width = value * PLOT_WIDTH / max;
        bars.push(Bar {
            x: LABEL_WIDTH,
            y,
            width,
            height: ROW - 6,
            class,
            value: *value,
            text_x: LABEL_WIDTH + width + 6,
            text_y: y + ROW - 10,
        });
        labels.push(Label {
            x: LABEL_WIDTH - 8,
            y: y + ROW - 10,
            text: label.clone(),
        });
    }
    Chart {
        vertical: false,
        width: LABEL_WIDTH + PLOT_WIDTH + 50,
        height: 8 + rows.len() as i64 * ROW,
        bars,
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_value_fills_the_plot_and_zero_draws_nothing() {
        let groups = [
            Group {
                label: "11-16".into(),
                values: vec![("red", 4), ("yellow", 2)],
            },
            Group {
                label: "11-23".into(),
                values: vec![("red", 0), ("yellow", 1)],
            },
        ];
        let c = grouped_bars(&groups);
        assert_eq!(c.bars.len(), 4);
        assert_eq!(c.bars[0].height, PLOT_HEIGHT);
        assert_eq!(c.bars[1].height, PLOT_HEIGHT / 2);
        assert_eq!(c.bars[2].height, 0);
        assert!(
            c.bars.iter().all(|b| b.y + b.height == TOP + PLOT_HEIGHT),
            "bars stand on one baseline"
        );
        assert_eq!(c.labels.len(), 2);
        assert!(c.width > c.bars.last().unwrap().x);
    }

    #[test]
    fn an_empty_chart_does_not_divide_by_zero() {
        assert!(grouped_bars(&[]).bars.is_empty());
        let c = horizontal_bars(&[("洽谈".into(), 0)], "stage");
        assert_eq!(c.bars[0].width, 0);
    }

    #[test]
    fn horizontal_bars_scale_to_the_widest() {
        let c = horizontal_bars(&[("洽谈".into(), 10), ("投产".into(), 5)], "stage");
        assert_eq!(c.bars[0].width, 300);
        assert_eq!(c.bars[1].width, 150);
        assert_eq!(c.labels[1].text, "投产");
    }
}
