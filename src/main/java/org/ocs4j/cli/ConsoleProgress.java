package org.ocs4j.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.ocs4j.progress.Progress;

/** A progress bar on stderr, for the CLI. */
final class ConsoleProgress implements Progress {

    private ProgressBar bar;

    /** @return a progress bar when a person is watching (a console is attached), otherwise nothing */
    static Progress forConsole() {
        return System.console() != null ? new ConsoleProgress() : Progress.NONE;
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
