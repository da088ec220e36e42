# Who pays for each lifecycle call: one panel per target, one stacked bar per call
# (RunPodSandbox, CreateContainer, StartContainer, ...), segments = CPU time of each role during
# the call (the tracer's per-phase `attribution.phases`), median per role over every measured run.
# Under runsc, RunPodSandbox and StartContainer start a Sentry and a Gofer: their CPU shows here.
#
# gnuplot -e "adir='analysis'; data='calls.tsv'; out='calls'; targets='t1 t2'; roles='r1 r2'" analysis/calls.gp
# data: one block per target of `targets`: a row per call, "call" then ms of CPU per role of `roles`.
load adir."/palette.gp"
nt = words(targets)
nr = words(roles)
w = 520 * (nt < 2 ? 1 : 2) + 160
h = 400 * int((nt + 1) / 2) + 40
set style data histograms
set style histogram rowstacked
set boxwidth 0.7
set style fill solid 0.9 border lc rgb "#333333"
set yrange [0:*]
set xtics rotate by 30 right
set xlabel "lifecycle call"
set ylabel "CPU time during the call (ms)"
set lmargin 10
set rmargin 16
set bmargin 7.5
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	set multiplot layout int((nt + 1) / 2), (nt < 2 ? 1 : 2) title "CPU time per lifecycle call by role (median over runs)" font ",13"
	do for [t = 1:nt] {
		set title word(targets, t)
		if (t == 1) { set key outside right top vertical Left reverse font ",9" samplen 1.5 } else { set key off }
		plot for [i = 2:nr + 1] data index (t - 1) using i:xtic(1) title word(roles, i - 1) lc rgb rcolor(word(roles, i - 1))
	}
	unset multiplot
	set output
}
