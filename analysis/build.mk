# Figures and the report (docs/report.md): the gnuplot scripts of analysis/ are run by
# `collector report` (src/report/); its tests need headless Chromium (the page is opened and
# every image checked) and xmllint (SVG parses as XML).
DEB_PKGS += gnuplot-nox chromium libxml2-utils fonts-dejavu-core

test-build: $(B)/collector
