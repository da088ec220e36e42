/* Running the figures' gnuplot scripts (analysis/NAME.gp): their inputs as gnuplot variables,
 * their data as TSV files written here, gnuplot itself (lib/proc.h) with its stderr kept for
 * the error. Also the memory streams every writer here builds its text in. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs.h"
#include "lib/proc.h"
#include "lib/util.h"
#include "report/internal.h"
#include "tracer/roles.h"

void report_membuf_open(struct membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (m->f == NULL)
		abort();
}

const char *report_membuf_text(struct membuf *m)
{
	if (m->f) {
		fclose(m->f);
		m->f = NULL;
	}
	return m->buf;
}

void report_membuf_release(struct membuf *m)
{
	report_membuf_text(m);
	free(m->buf);
	m->buf = NULL;
}

void report_gp_var(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s='", name);
	for (; *value; value++) {
		if (*value == '\'')
			fputc('\'', f);
		fputc(*value, f);
	}
	fputs("'; ", f);
}

void report_words_add(FILE *f, bool *first, const char *w)
{
	fprintf(f, "%s%s", *first ? "" : " ", w);
	*first = false;
}

void report_tsv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "\t%.10g", v);
	else
		fputs("\tNaN", f);
}

/* "workload:0x0072B2 sentry:0xD55E00 ...": the roles table's colours, which palette.gp's rcolor
 * looks up, so that the table is their only source. */
static char *role_colors(void)
{
	size_t n;
	const struct tracer_role *roles = tracer_roles(&n);
	struct membuf m;

	report_membuf_open(&m);
	for (size_t i = 0; i < n; i++)
		fprintf(m.f, "%s%s:0x%06X", i ? " " : "", roles[i].name, roles[i].color);
	report_membuf_text(&m);
	return m.buf;
}

int report_gnuplot_init(struct report *r, assay_error_t *err)
{
	const char *env = getenv("ASSAY_ANALYSIS_DIR");
	cleanup_free char *palette = NULL;

	r->adir = env && *env ? xstrdup(env) : fs_tree_path("analysis", "../analysis");
	env = getenv("GNUPLOT");
	r->gnuplot = xstrdup(env && *env ? env : "gnuplot");
	r->rcolors = role_colors();
	palette = xasprintf("%s/palette.gp", r->adir);
	if (access(palette, R_OK) < 0)
		return assay_error_make(err, errno,
		                        "report: the gnuplot scripts are missing: `%s` (set "
		                        "ASSAY_ANALYSIS_DIR to assay's analysis/ directory)",
		                        palette);
	return 0;
}

int report_write_data(struct report *r, const char *name, struct membuf *data, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	int ret;

	report_membuf_text(data);
	ret = fs_write_atomic(path, data->buf, data->len, err);
	report_membuf_release(data);
	return ret;
}

int report_plot(struct report *r, const char *script, const char *name, struct membuf *data,
                struct membuf *vars, assay_error_t *err)
{
	if (report_write_data(r, name, data, err) < 0)
		return -1;
	return report_run_script(r, script, name, report_membuf_text(vars), err);
}

int report_draw(struct report *r, const char *script, const char *name, struct membuf *data,
                struct membuf *vars, FILE *page, const char *alt, const char *caption,
                assay_error_t *err)
{
	if (report_plot(r, script, name, data, vars, err) < 0)
		return -1;
	report_figure_html(page, name, alt, caption);
	return 0;
}

static int check_output(const char *path, const char *script, assay_error_t *err)
{
	struct stat st;

	if (stat(path, &st) < 0 || st.st_size == 0)
		return assay_error_make(err, 0, "%s: gnuplot wrote no `%s`", script, path);
	return 0;
}

static int no_gnuplot(struct report *r, int status, const char *script_path, const char *name,
                      assay_error_t *err)
{
	return assay_error_make(err, status,
	                        "%s (figure %s): cannot execute `%s` (Debian: apt-get install "
	                        "gnuplot-nox, or set GNUPLOT)",
	                        script_path, name, r->gnuplot);
}

/* Everything fd gives until its end, NUL-terminated, without trailing newlines and blanks
 * (gnuplot's message ends with a newline; an error's text must not). */
static char *read_message(int fd, size_t *len)
{
	struct membuf m;
	char buf[4096];
	ssize_t got;

	report_membuf_open(&m);
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		fwrite(buf, 1, (size_t)got, m.f);
	}
	report_membuf_text(&m);
	while (m.len && (m.buf[m.len - 1] == '\n' || m.buf[m.len - 1] == ' '))
		m.buf[--m.len] = 0;
	*len = m.len;
	return m.buf;
}

int report_run_script(struct report *r, const char *script, const char *name, const char *vars,
                      assay_error_t *err)
{
	cleanup_free char *script_path = xasprintf("%s/%s.gp", r->adir, script);
	cleanup_free char *data = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	cleanup_free char *out = xasprintf("%s/" FIG_DIR "/%s", r->out, name);
	cleanup_free char *svg = xasprintf("%s.svg", out);
	cleanup_free char *png = xasprintf("%s.png", out);
	cleanup_free char *stderr_text = NULL;
	cleanup_membuf struct membuf cmd = {0};
	cleanup_close int rfd = -1;
	cleanup_close int wfd = -1;
	size_t stderr_len;
	int pipefd[2], status;
	pid_t pid;

	report_membuf_open(&cmd);
	report_gp_var(cmd.f, "adir", r->adir);
	report_gp_var(cmd.f, "data", data);
	report_gp_var(cmd.f, "out", out);
	report_gp_var(cmd.f, "labels", r->labels);
	report_gp_var(cmd.f, "rcolors", r->rcolors);
	fputs(vars, cmd.f);
	report_membuf_text(&cmd);

	unlink(svg);
	unlink(png);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return assay_error_make(err, errno, "%s: pipe", script);
	rfd = pipefd[0];
	wfd = pipefd[1];
	{
		char *argv[] = {r->gnuplot, "-e", cmd.buf, script_path, NULL};
		struct proc_opts o = {.argv = argv, .out_fd = -1, .err_fd = wfd};
		assay_error_t e = NULL;

		if (proc_spawn(&o, &pid, &e) < 0) {
			int status_ = e->status;

			assay_error_release(&e);
			return no_gnuplot(r, status_, script_path, name, err);
		}
	}
	close(wfd);
	wfd = -1;
	stderr_text = read_message(rfd, &stderr_len);
	if (proc_wait(pid, 0, false, &status, err) < 0)
		return assay_error_wrap(err, "%s", script);
	if (status > 128)
		return assay_error_make(err, 0, "%s (figure %s): gnuplot killed by signal %d: %s",
		                        script_path, name, status - 128, stderr_text);
	if (status != 0)
		return assay_error_make(err, 0, "%s (figure %s): gnuplot exited with status %d: %s",
		                        script_path, name, status, stderr_text);
	if (check_output(svg, script_path, err) < 0 || check_output(png, script_path, err) < 0)
		return assay_error_wrap(err, "%s", stderr_text);
	return 0;
}
