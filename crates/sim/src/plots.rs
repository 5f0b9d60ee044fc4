//! Fan charts (p5–p95 and p25–p75 bands and the median across paths, per step) of each LRT's
//! rate and of the strategies' values, a fan of network losses, and the histogram of queued
//! exit times; SVG always, PNG when a font is installed (plotters draws PNG text with a
//! registered TrueType font). Plotting is presentation: exact quantiles, drawn in floats.

use std::path::Path;

use plotters::{
    prelude::*,
    style::{FontStyle, register_font},
};

use crate::{
    Prepared, Results,
    rng::wei_to_eth,
    summary::quantile,
    table::{Cell, state_columns},
};

const FONT_PATHS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
];

fn register_png_font() -> bool {
    FONT_PATHS.iter().any(|path| {
        std::fs::read(path).is_ok_and(|bytes| {
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            register_font("sans-serif", FontStyle::Normal, bytes).is_ok()
        })
    })
}

/// Per step: p5, p25, p50, p75, p95 of a column across paths (values in milli-units so the
/// quantiles are exact integers).
fn bands(results: &Results, column: usize, scale: f64) -> Vec<[f64; 5]> {
    let steps = results.outputs.iter().map(|o| o.rows.len()).max().unwrap_or(0);
    (0..steps)
        .map(|t| {
            let mut v: Vec<i64> = results
                .outputs
                .iter()
                .filter_map(|o| o.rows.get(t))
                .map(|r| {
                    let x = match r[column] {
                        Cell::Wei(w) => wei_to_eth(w),
                        Cell::SignedWei(w) => w as f64 / 1e18,
                        Cell::Int(i) => i as f64,
                        Cell::Float(f) => f.unwrap_or(0.0),
                    };
                    (x * scale * 1_000.0).round() as i64
                })
                .collect();
            v.sort_unstable();
            [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| quantile(&v, q) as f64 / 1_000.0)
        })
        .collect()
}

struct Fan {
    file: String,
    title: String,
    y_label: String,
    series: Vec<(String, Vec<[f64; 5]>)>,
}

fn fans(prepared: &Prepared, results: &Results) -> Vec<Fan> {
    let cols = state_columns(prepared);
    let col = |name: &str| cols.iter().position(|(n, _)| n == name);
    let mut out = Vec::new();
    for l in &prepared.cast.lrts {
        if let Some(c) = col(&format!("rate_{}", l.symbol)) {
            out.push(Fan {
                file: format!("fan_rate_{}", l.symbol),
                title: format!("{}: ETH per token across paths", l.symbol),
                y_label: "ETH per token".into(),
                series: vec![(l.symbol.clone(), bands(results, c, 1.0))],
            });
        }
    }
    if let Some(c) = col("slashed_total") {
        out.push(Fan {
            file: "fan_losses".into(),
            title: "Network stake slashed, cumulative".into(),
            y_label: "ETH".into(),
            series: vec![("slashed".into(), bands(results, c, 1.0))],
        });
    }
    let strategies: Vec<_> = prepared
        .cast
        .strategies
        .iter()
        .filter_map(|s| {
            let c = col(&format!("value_strategy_{}", s.name))?;
            Some((s.name.clone(), bands(results, c, 1.0 / wei_to_eth(s.amount).max(1e-18))))
        })
        .collect();
    if !strategies.is_empty() {
        out.push(Fan {
            file: "fan_strategies".into(),
            title: "Strategy value per ETH put in".into(),
            y_label: "value / amount".into(),
            series: strategies,
        });
    }
    out
}

const COLOURS: [RGBColor; 4] =
    [RGBColor(31, 119, 180), RGBColor(214, 39, 40), RGBColor(44, 160, 44), RGBColor(148, 103, 189)];

fn draw_fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    fan: &Fan,
    step_label: &str,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let steps = fan.series.iter().map(|s| s.1.len()).max().unwrap_or(1).max(2);
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for (_, b) in &fan.series {
        for q in b {
            lo = lo.min(q[0]);
            hi = hi.max(q[4]);
        }
    }
    if lo >= hi {
        (lo, hi) = (lo - 1e-6, hi + 1e-6);
    }
    let pad = (hi - lo) * 0.05;
    let mut chart = ChartBuilder::on(root)
        .caption(&fan.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..(steps - 1) as f64, (lo - pad)..(hi + pad))
        .map_err(err)?;
    chart.configure_mesh().x_desc(step_label).y_desc(&fan.y_label).draw().map_err(err)?;
    for (i, (name, b)) in fan.series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        for (outer, inner, alpha) in [(0usize, 4usize, 0.15), (1, 3, 0.3)] {
            let mut points: Vec<(f64, f64)> =
                b.iter().enumerate().map(|(t, q)| (t as f64, q[inner])).collect();
            points.extend(b.iter().enumerate().rev().map(|(t, q)| (t as f64, q[outer])));
            chart
                .draw_series(std::iter::once(Polygon::new(points, colour.mix(alpha))))
                .map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(
                b.iter().enumerate().map(|(t, q)| (t as f64, q[2])),
                colour.stroke_width(2),
            ))
            .map_err(err)?
            .label(format!("{name} (median, p25–p75, p5–p95)"))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(err)?;
    Ok(())
}

fn draw_histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    results: &Results,
    step_label: &str,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let hist = &results.summary.exits.histogram;
    let max_x = hist.keys().max().copied().unwrap_or(1).max(1);
    let max_y = hist.values().max().copied().unwrap_or(1).max(1);
    let mut chart = ChartBuilder::on(root)
        .caption("Queued exits: steps from request to payment", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .build_cartesian_2d((0i64..max_x + 1).into_segmented(), 0usize..max_y + max_y / 10 + 1)
        .map_err(err)?;
    chart.configure_mesh().x_desc(step_label).y_desc("exits").draw().map_err(err)?;
    chart
        .draw_series(
            Histogram::vertical(&chart)
                .style(COLOURS[0].filled())
                .data(hist.iter().map(|(&k, &v)| (k, v))),
        )
        .map_err(err)?;
    Ok(())
}

/// Draws every plot into `dir`; returns the file names written.
pub fn draw(prepared: &Prepared, results: &Results, dir: &Path) -> Result<Vec<String>, String> {
    let png = register_png_font();
    let step_label = match prepared.model.step {
        crate::model::StepLength::Day => "day",
        crate::model::StepLength::Epoch => "epoch",
        crate::model::StepLength::Blocks(_) => "step",
    };
    let mut written = Vec::new();
    for fan in fans(prepared, results) {
        let svg = format!("{}.svg", fan.file);
        {
            let file = dir.join(&svg);
            let root = SVGBackend::new(&file, (900, 500)).into_drawing_area();
            draw_fan(&root, &fan, step_label)?;
            root.present().map_err(|e| e.to_string())?;
        }
        written.push(svg);
        if png {
            let file = format!("{}.png", fan.file);
            let full = dir.join(&file);
            let root = BitMapBackend::new(&full, (900, 500)).into_drawing_area();
            draw_fan(&root, &fan, step_label)?;
            root.present().map_err(|e| e.to_string())?;
            written.push(file);
        }
    }
    let svg = "exit_times.svg".to_string();
    {
        let file = dir.join(&svg);
        let root = SVGBackend::new(&file, (900, 500)).into_drawing_area();
        draw_histogram(&root, results, step_label)?;
        root.present().map_err(|e| e.to_string())?;
    }
    written.push(svg);
    if png {
        let file = dir.join("exit_times.png");
        let root = BitMapBackend::new(&file, (900, 500)).into_drawing_area();
        draw_histogram(&root, results, step_label)?;
        root.present().map_err(|e| e.to_string())?;
        written.push("exit_times.png".into());
    }
    Ok(written)
}
