# Per-benchmark bars: one panel per figure of the benchmark, one bar per target (its colour from
# palette.gp) at the median of the measured runs, error bar p5–p95, and the native median as a
# dashed segment across each bar (each results directory's own native when several are
# compared). Cells that did not run show their status (skipped, failed) instead of a bar. A
# panel whose medians span more than 30× (gVisor's system calls vs native) gets a log y axis.
#
# gnuplot -e "adir='analysis'; data='bars-X.tsv'; out='bars-X'; title='...'; figs='f1 f2';
#             units='u1 u2'; betters='lower higher'; tlen=20" analysis/bars.gp
# (tlen: length of the longest target name, for the room its label needs)
# data: rows in summary.tsv's columns (docs/results.md), one block per figure (two blank lines
# between), in the order of `figs`.
load adir."/palette.gp"
n = words(figs)
stats data index 0 using 0 nooutput
nbars = STATS_records
if (!exists("tlen")) tlen = 20
# Panels grow with the number of bars and the longest target name (rotated labels below).
pw = 90 + 36 * nbars
pw = pw < 420 ? 420 : pw
cols = pcols(n)
while (cols > 1 && pw * cols > 1300) { cols = cols - 1 }
rows = int((n + cols - 1) / cols)
ph = 250 + 6 * tlen
w = pw * cols
h = ph * rows + 40
set xtics rotate by 40 right nomirror
# fixed margins (character units): gnuplot's automatic ones differ between panels
# (the first target's rotated name reaches left of the axis)
set lmargin 11 + (tlen > 16 ? (tlen - 16) * 0.5 : 0)
set rmargin 2
set tmargin 3
set bmargin 0.3 * tlen + 2.5
set format y "%g"
set xlabel "target" offset 0, 1
set key off
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	set multiplot layout rows, cols title title . "  (bars: median; whiskers: p5–p95; dashed: native median)" font ",12"
	do for [i = 1:n] {
		# stats honours the ranges of the previous panel: reset them first
		unset logscale y
		set yrange [*:*]
		undefine STATS_*
		stats data index (i - 1) using 8 nooutput
		have = exists("STATS_records") && STATS_records > 0
		lo = have ? STATS_min : 1
		hi = have ? STATS_max : 1
		logy = lo > 0 && hi / lo > 30
		if (logy) {
			set logscale y
			set yrange [lo / 3:*]
			base = lo / 2.5
		} else {
			unset logscale y
			set yrange [0:*]
			base = 0
		}
		set xrange [-0.6:nbars - 0.4]
		set title word(figs, i) . " (" . word(betters, i) . " is better)"
		set ylabel word(units, i) . (logy ? " (log scale)" : "")
		plot data index (i - 1) using 0:8:(0.7):(tcolor(strcol(1))) with boxes lc rgb variable notitle, \
			'' index (i - 1) using 0:8:11:12 with yerrorbars lc rgb "#222222" pt 7 ps 0.3 lw 1.2 notitle, \
			'' index (i - 1) using ($0 - 0.5):16:(1):(0) with vectors nohead dt 2 lw 1.5 lc rgb "#222222" notitle, \
			'' index (i - 1) using 0:(base):(strcol(6) eq "ok" ? "" : strcol(6)):xtic(1) with labels rotate by 90 left offset 0, 0.5 font ",9" tc rgb "#aa0000" notitle
	}
	unset multiplot
	set output
}
