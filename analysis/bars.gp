# Per-benchmark bars: one panel per figure of the benchmark, one bar per target (its colour from
# palette.gp) at the median of the measured runs, error bar p5–p95, and the native median as a
# dashed segment across each bar (each results directory's own native when several are compared).
# Cells that did not run show their status (skipped, failed) instead of a bar.
#
# gnuplot -e "adir='analysis'; data='bars-X.tsv'; out='bars-X'; title='...'; figs='f1 f2';
#             units='u1 u2'; betters='lower higher'" analysis/bars.gp
# data: rows in summary.tsv's columns (docs/results.md), one block per figure (two blank lines
# between), in the order of `figs`.
load adir."/palette.gp"
n = words(figs)
w = 430 * pcols(n)
h = 330 * prows(n) + 30
set xtics rotate by 30 right nomirror
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set key top right samplen 2 font ",9"
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	set multiplot layout prows(n), pcols(n) title title font ",13"
	do for [i = 1:n] {
		stats data index (i - 1) using 0 nooutput
		set xrange [-0.6:STATS_records - 0.4]
		set title word(figs, i) . " (" . word(betters, i) . " is better)"
		set ylabel "median, p5–p95 (" . word(units, i) . ")"
		plot data index (i - 1) using 0:8:(0.7):(tcolor(strcol(1))) with boxes lc rgb variable notitle, \
			'' index (i - 1) using 0:8:11:12 with yerrorbars lc rgb "#222222" pt 7 ps 0.3 lw 1.2 notitle, \
			'' index (i - 1) using ($0 - 0.5):16:(1):(0) with vectors nohead dt 2 lw 1.5 lc rgb "#222222" title "native median", \
			'' index (i - 1) using 0:(0):(strcol(6) eq "ok" ? "" : strcol(6)):xtic(1) with labels rotate by 90 left offset 0, 0.5 font ",9" tc rgb "#aa0000" notitle
	}
	unset multiplot
	set output
}
