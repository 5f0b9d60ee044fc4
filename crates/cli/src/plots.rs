//! The risk report's plots, as SVG and PNG: stake per service, the exposure heat map, and
//! loss against shock. Plotting is presentation: it reads the report's exact figures and
//! draws them in floating point.

use std::path::{Path, PathBuf};

use anyhow::Context;
use plotters::{
    coord::Shift,
    prelude::*,
    style::{FontStyle, register_font},
};
use rampart_risk::graph::Network;
use serde_json::Value;

/// Where a system font for PNG text may be (Debian's fonts-dejavu-core, and common others).
const FONT_PATHS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
];

/// Registers a font for PNG text; `false` when none is installed (PNGs are then skipped:
/// SVGs carry their text as text and need none).
fn register_png_font() -> bool {
    for path in FONT_PATHS {
        if let Ok(bytes) = std::fs::read(path) {
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            if register_font("sans-serif", FontStyle::Normal, bytes).is_ok() {
                return true;
            }
        }
    }
    false
}

fn number(value: &Value) -> f64 {
    value.as_str().and_then(|s| s.parse().ok()).or_else(|| value.as_f64()).unwrap_or(0.0)
}

/// Writes every plot into `dir`; returns the files written.
pub(crate) fn write_plots(
    dir: &Path,
    network: &Network,
    report: &Value,
) -> anyhow::Result<Vec<PathBuf>> {
    let png = register_png_font();
    if !png {
        eprintln!(
            "note: no DejaVuSans.ttf found (apt-get install fonts-dejavu-core); writing SVG plots only"
        );
    }
    let mut written = Vec::new();
    let plots: Vec<(&str, (u32, u32))> = vec![
        ("stake_per_service", (1000, 600)),
        ("exposure_heatmap", (1000, 700)),
        ("loss_against_shock", (800, 500)),
    ];
    for (name, size) in plots {
        let svg = dir.join(format!("{name}.svg"));
        {
            let root = SVGBackend::new(&svg, size).into_drawing_area();
            draw(name, &root, network, report)?;
            root.present().context("writing an SVG plot")?;
        }
        written.push(svg);
        if png {
            let file = dir.join(format!("{name}.png"));
            {
                let root = BitMapBackend::new(&file, size).into_drawing_area();
                draw(name, &root, network, report)?;
                root.present().context("writing a PNG plot")?;
            }
            written.push(file);
        }
    }
    Ok(written)
}

fn draw<DB: DrawingBackend>(
    name: &str,
    root: &DrawingArea<DB, Shift>,
    network: &Network,
    report: &Value,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let result = match name {
        "stake_per_service" => stake_per_service(root, report),
        "exposure_heatmap" => exposure_heatmap(root, network),
        _ => loss_against_shock(root, report),
    };
    result.map_err(|e| anyhow::anyhow!("drawing {name}: {e}"))
}

type PlotResult = Result<(), Box<dyn std::error::Error>>;

/// Securing stake and cost of corruption per service (the 40 largest).
fn stake_per_service<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Value,
) -> PlotResult
where
    DB::ErrorType: 'static,
{
    let mut rows: Vec<(String, f64, f64, f64)> = report["per_service"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_owned(),
                number(&s["securing_stake"]),
                number(&s["cost_of_corruption"]),
                number(&s["profit_from_corruption"]),
            )
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows.truncate(40);
    let top = rows.iter().map(|r| r.1).fold(1.0, f64::max) * 1.05;
    let unit = report["unit"].as_str().unwrap_or("ETH");
    let mut chart = ChartBuilder::on(root)
        .caption(format!("Stake securing each service ({unit})"), ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(90)
        .build_cartesian_2d(0..rows.len(), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("services, largest first")
        .y_desc(unit)
        .draw()?;
    let width = |i: usize, v: f64, shrink: i32, color: RGBColor| {
        let mut bar = Rectangle::new([(i, 0.0), (i + 1, v)], color.filled());
        bar.set_margin(0, 0, shrink as u32, shrink as u32);
        bar
    };
    chart
        .draw_series(
            rows.iter().enumerate().map(|(i, r)| width(i, r.1, 2, RGBColor(120, 160, 210))),
        )?
        .label("securing stake")
        .legend(|(x, y)| {
            Rectangle::new([(x, y - 5), (x + 12, y + 5)], RGBColor(120, 160, 210).filled())
        });
    chart
        .draw_series(
            rows.iter().enumerate().map(|(i, r)| width(i, r.2, 6, RGBColor(230, 140, 60))),
        )?
        .label("cost of corruption")
        .legend(|(x, y)| {
            Rectangle::new([(x, y - 5), (x + 12, y + 5)], RGBColor(230, 140, 60).filled())
        });
    chart
        .draw_series(rows.iter().enumerate().map(|(i, r)| Circle::new((i, r.3), 4, RED.filled())))?
        .label("profit from corruption")
        .legend(|(x, y)| Circle::new((x + 6, y), 4, RED.filled()));
    chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
    Ok(())
}

/// The heat map's colour for a share of stake in [0, 1]: white for none, deep red for all.
fn exposure_colour(share: f64) -> RGBColor {
    // share is in [0, 1], so the shade is in [0, 255].
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let shade = (255.0 * (1.0 - share.clamp(0.0, 1.0))).round() as u8;
    RGBColor(255, shade, shade / 2)
}

/// The colour scale beside the heat map: 0% at the bottom to 100% at the top.
fn colour_scale<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> PlotResult
where
    DB::ErrorType: 'static,
{
    let (_, height) = area.dim_in_pixel();
    let (top, bottom) = (60_i32, i32::try_from(height).unwrap_or(600) - 60);
    let steps = 50;
    for step in 0..steps {
        let share = f64::from(step) / f64::from(steps - 1);
        let y1 = bottom - (bottom - top) * (step + 1) / steps;
        let y0 = bottom - (bottom - top) * step / steps;
        area.draw(&Rectangle::new([(10, y1), (30, y0)], exposure_colour(share).filled()))?;
    }
    area.draw(&Rectangle::new([(10, top), (30, bottom)], BLACK))?;
    let style = ("sans-serif", 14).into_font();
    for (label, y) in [("100%", top), ("50%", (top + bottom) / 2), ("0%", bottom)] {
        area.draw(&Text::new(label, (36, y - 7), style.clone()))?;
    }
    area.draw(&Text::new("of its", (8, top - 40), style.clone()))?;
    area.draw(&Text::new("stake", (8, top - 24), style))?;
    Ok(())
}

/// Which operators each service can slash, and how much of their stake (the 60 largest
/// operators and the 40 largest services; the caption says when there are more).
fn exposure_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    network: &Network,
) -> PlotResult
where
    DB::ErrorType: 'static,
{
    let mut operators: Vec<usize> = (0..network.operators.len()).collect();
    operators.sort_by(|&a, &b| network.operators[b].stake.cmp(&network.operators[a].stake));
    operators.truncate(60);
    let mut services: Vec<usize> = (0..network.services.len()).collect();
    services.sort_by_key(|&s| std::cmp::Reverse(network.securing_stake(s)));
    services.truncate(40);
    let shown = |kept: usize, all: usize, what: &str| {
        if kept < all {
            format!("the {kept} largest of {all} {what}")
        } else {
            format!("all {all} {what}")
        }
    };
    let caption = format!(
        "Share of each operator's stake a service can slash ({}, {})",
        shown(operators.len(), network.operators.len(), "operators"),
        shown(services.len(), network.services.len(), "services"),
    );
    let (width, _) = root.dim_in_pixel();
    let (plot, scale) = root.split_horizontally(width.saturating_sub(90));
    colour_scale(&scale)?;
    let mut chart = ChartBuilder::on(&plot)
        .caption(caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0..operators.len(), 0..services.len())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("operators, largest stake first")
        .y_desc("services, most stake first")
        .draw()?;
    let mut cells = Vec::new();
    for (x, &v) in operators.iter().enumerate() {
        let stake = network.operators[v].stake.max(1) as f64;
        for (y, &s) in services.iter().enumerate() {
            let slashable =
                network.securing[s].iter().find(|(o, _)| *o == v).map_or(0, |&(_, w)| w) as f64;
            if slashable > 0.0 {
                let share = slashable / stake;
                cells.push(Rectangle::new(
                    [(x, y), (x + 1, y + 1)],
                    exposure_colour(share).filled(),
                ));
            }
        }
    }
    chart.draw_series(cells)?;
    Ok(())
}

/// The proven bound and the simulated cascade against the shock size.
fn loss_against_shock<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Value,
) -> PlotResult
where
    DB::ErrorType: 'static,
{
    let points: Vec<(f64, f64, f64)> = report["worst_case_loss"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| (number(&l["shock"]), number(&l["bound"]), number(&l["simulated"])))
        .collect();
    let max_x = points.iter().map(|p| p.0).fold(0.01, f64::max);
    let mut chart = ChartBuilder::on(root)
        .caption("Loss after a shock (share of all stake)", ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..max_x, 0.0..1.05)?;
    chart.configure_mesh().x_desc("shock ψ").y_desc("stake lost").draw()?;
    chart
        .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1)), BLUE.stroke_width(2)))?
        .label("bound (1 + 1/γ)ψ")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLUE));
    chart
        .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.2)), RED.stroke_width(2)))?
        .label("simulated cascade (largest operators first)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RED));
    chart.draw_series(points.iter().map(|p| Circle::new((p.0, p.2), 3, RED.filled())))?;
    chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
    Ok(())
}
