package org.ocs4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ocs4j.progress.Progress;

/** A progress bar on stderr, for the CLI. */
final class ConsoleProgress implements Progress {

    private ProgressBar bar;

    /** @return a progress bar when a person is watching (a console is attached), otherwise log lines on stderr */
    static Progress forConsole() {
        return System.console() != null ? new ConsoleProgress() : new LoggedProgress();
    }

    /** Progress as a few log lines (start, every quarter, end with the time taken), for logs and CI. */
    static final class LoggedProgress implements Progress {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("ocs4j");
        private String task;
        private long total;
        private long done;
        private long started;

        @Override
        public void start(String task, long total) {
            this.task = task;
            this.total = total;
            this.done = 0;
            this.started = System.nanoTime();
            LOG.info("{}: {} steps", task, total);
        }

        @Override
        public void step() {
            done++;
            if (total >= 8 && done % Math.max(1, total / 4) == 0 && done < total) {
                LOG.info("{}: {}/{}", task, done, total);
            }
        }

        @Override
        public void finish() {
            if (task != null) {
                LOG.info("{}: done in {} s", task, String.format("%.1f", (System.nanoTime() - started) / 1e9));
                task = null;
            }
        }
    }

    @Override
    public void start(String task, long total) {
        finish();
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    @Override
    public void step() {
        if (bar != null) bar.step();
    }

    @Override
    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
