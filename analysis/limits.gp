# CPU limits: the CPU share each target's container actually got at each requested step (quota /
# period, %), one line per target with p5–p95 error bars, against the dashed diagonal of a
# perfectly enforced limit.
#
# gnuplot -e "adir='analysis'; data='limits-B.tsv'; out='limits-B'; title='...'; targets='...'" analysis/limits.gp
# data: one block per target of `targets`: requested share (%), measured median, p5, p95 (%).
load adir."/palette.gp"
nt = words(targets)
w = 700
h = 480
set xlabel "requested CPU share (quota / period, %)"
set ylabel "measured CPU share (%)"
set key top left
set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05
set title title font ",13"
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	plot x with lines dt 2 lw 1.5 lc rgb "#222222" title "requested", \
		for [i = 1:nt] data index (i - 1) using 1:2 with linespoints lw 2 pt 7 ps 0.8 lc rgb tcolor(word(targets, i)) title word(targets, i), \
		for [i = 1:nt] data index (i - 1) using 1:2:3:4 with yerrorbars pt 0 lc rgb tcolor(word(targets, i)) notitle
	set output
}
