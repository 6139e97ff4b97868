package org.ocs4j.train;

/** A token stream cut into parallel rows for truncated BPTT, and the windows of steps read from them. */
final class TokenRows {

    private TokenRows() {
    }

    /** @return {inputs, targets}: steps {@code t..t+steps-1} of every row and the tokens that follow, row-major */
    static int[][] window(int[][] rows, int t, int steps) {
        int batch = rows.length;
        int[] in = new int[batch * steps];
        int[] out = new int[batch * steps];
        for (int r = 0; r < batch; r++) {
            System.arraycopy(rows[r], t, in, r * steps, steps);
            System.arraycopy(rows[r], t + 1, out, r * steps, steps);
        }
        return new int[][]{in, out};
    }

    /** @return the stream cut into {@code batch} rows of equal length (the remainder dropped) */
    static int[][] rows(int[] stream, int batch) {
        int perRow = stream.length / batch;
        if (perRow < 2) {
            throw new IllegalArgumentException("a stream of " + stream.length + " tokens cannot fill " + batch
                    + " rows of at least 2 tokens");
        }
        int[][] rows = new int[batch][];
        for (int r = 0; r < batch; r++) {
            rows[r] = java.util.Arrays.copyOfRange(stream, r * perRow, (r + 1) * perRow);
        }
        return rows;
    }
}
