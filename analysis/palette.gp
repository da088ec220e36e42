# Shared look of every assay figure: loaded first by each script in analysis/.
#
# One colour per target, the same in every figure: tcolor("oci/runsc") is always the same red.
# Compared results directories name their targets TARGET@LABEL (`collector report A B`); the
# label's position in `labels` (space-separated, set by the caller) lightens the colour, so
# A and B of one target sit side by side in related shades.
# Roles of the attribution figures have fixed colours too (rcolor, below).

if (!exists("labels")) labels = ""

# Okabe-Ito based: distinguishable for the common colour-vision deficiencies.
tbase(t) = \
	t eq "native"               ? 0x555555 : \
	t eq "oci/runc"             ? 0x56B4E9 : \
	t eq "oci/runsc"            ? 0xE69F00 : \
	t eq "oci/crun"             ? 0x009E73 : \
	t eq "cri/containerd/runc"  ? 0x0072B2 : \
	t eq "cri/containerd/runsc" ? 0xD55E00 : \
	t eq "cri/containerd/crun"  ? 0x117733 : \
	t[1:4] eq "oci/"            ? 0xCC79A7 : \
	t[1:4] eq "cri/"            ? 0x882255 : 0x999933

# TARGET@LABEL → TARGET, and the label's 1-based position in `labels` (0: none).
tname(t) = strstrt(t, "@") ? t[1:strstrt(t, "@") - 1] : t
tlabel(t) = strstrt(t, "@") ? t[strstrt(t, "@") + 1:] : ""
widx(s, w, i) = i > words(s) ? 0 : (word(s, i) eq w ? i : widx(s, w, i + 1))
tshade(t) = widx(labels, tlabel(t), 1)

# Mixes colour c towards white by fraction f.
mixw(c, f) = (int(((c >> 16) & 255) + (255 - ((c >> 16) & 255)) * f) << 16) + \
	(int(((c >> 8) & 255) + (255 - ((c >> 8) & 255)) * f) << 8) + \
	int((c & 255) + (255 - (c & 255)) * f)
tcolor(t) = tshade(t) <= 1 ? tbase(tname(t)) : mixw(tbase(tname(t)), 0.45 * (tshade(t) - 1) / (words(labels) - 1))

# A role's colour: rcolor(r) looks r up in `rcolors` ("workload:0x0072B2 sentry:0xD55E00 ..."),
# which `collector report` passes from the roles table (src/tracer/roles.c: the one place the
# roles' colours are written); a role rcolors does not name is drawn in the colour of "other".
# Run by hand without `rcolors` (or with rcolors=''), each role gets a hue of its own from its
# place in `roles`: readable, but not the report's colours.
if (!exists("rcolors")) rcolors = ""
rword(r, i) = i > words(rcolors) ? 0 : (word(rcolors, i)[1:strlen(r) + 1] eq r.":" ? i : rword(r, i + 1))
rhex(i) = word(rcolors, i)[strstrt(word(rcolors, i), ":") + 1:] + 0
rhue(r) = hsv2rgb((widx(roles, r, 1) - 1.0) / words(roles), 0.65, 0.8)
rcolor(r) = rword(r, 1) ? rhex(rword(r, 1)) : (rword("other", 1) ? rhex(rword("other", 1)) : rhue(r))

# Terminals: every script draws each figure twice, SVG then PNG, into `out`.svg / `out`.png.
# Size in pixels (w, h) is set by the script before calling `@svg` / `@png`.
font = "DejaVu Sans,11"
svg = 'set terminal svg size w,h dynamic noenhanced font font background rgb "white"; set output out.".svg"'
png = 'set terminal pngcairo size w,h noenhanced font font background rgb "white"; set output out.".png"'

set datafile separator "\t"
set datafile missing "NaN"
set style fill solid 0.85 border lc rgb "#333333"
set grid ytics lc rgb "#dddddd" lt 1
set border 3 lc rgb "#444444"
set tics nomirror
set key noenhanced

# Several panels in one figure: cols × rows for n panels.
pcols(n) = n <= 1 ? 1 : (n <= 4 ? 2 : 3)
prows(n) = int((n + pcols(n) - 1) / pcols(n))
# gnuplot 5.4 blanks a disc around each point of an error-bar plot; drawn over a line's points
# that hides them (white dots), so no blanking.
set pointintervalbox 0.01
