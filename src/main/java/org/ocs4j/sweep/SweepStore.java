package org.ocs4j.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ocs4j.io.ModelFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's finished cells on disk, so an interrupted sweep resumes: {@code sweep.json} names what the sweep is
 * (model checksum, data, calibration, activation settings), {@code cells.jsonl} holds one JSON line per finished
 * cell, appended and forced to disk as soon as the cell is done. A last line cut short by a kill is dropped on
 * reopening; a directory holding another sweep is refused, and so is one holding files that are no sweep's unless
 * forced. While open, the store holds an exclusive lock on {@code .sweep.lock}, so two runs never fill one directory.
 */
final class SweepStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SweepStore.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** The lock file every running sweep holds in its directory. */
    static final String LOCK = ".sweep.lock";

    private final Path cells;
    private final Map<String, Cell> done = new LinkedHashMap<>();
    private final FileChannel lockChannel;
    private int total;
    private int index;
    private int reused;

    private SweepStore(Path cells, FileChannel lockChannel) {
        this.cells = cells;
        this.lockChannel = lockChannel;
    }

    /**
     * Opens (or starts) the store in {@code dir}.
     *
     * @param identity what the sweep is; a directory made for another identity is refused
     * @param force    write into an existing directory that holds other files (never into another sweep's)
     * @throws IllegalArgumentException naming the directory when it is a file, not writable, holds another sweep or
     *                                  foreign files, or is locked by another run
     */
    static SweepStore open(Path dir, String identity, boolean force) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("the sweep output " + dir + " is a file, not a folder: choose a folder");
        }
        Path header = dir.resolve("sweep.json");
        if (Files.isDirectory(dir) && !Files.exists(header) && !force) {
            try (var entries = Files.list(dir)) {
                List<String> foreign = entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(LOCK))
                        .sorted().toList();
                if (!foreign.isEmpty()) {
                    throw new IllegalArgumentException("the sweep output " + dir + " already holds files that are no"
                            + " sweep's (" + foreign.size() + ", e.g. " + foreign.get(0) + "): choose a new or empty"
                            + " folder, or add --force to write the sweep among them");
                }
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("the sweep output folder " + dir + " cannot be created: " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("the sweep output folder " + dir + " is not writable");
        }
        FileChannel lock = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        java.nio.channels.FileLock held;
        try {
            held = lock.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            held = null; // locked by another sweep of this JVM
        }
        if (held == null) {
            lock.close();
            throw new IllegalArgumentException("another ocs4j sweep is running in " + dir + " (it holds "
                    + dir.resolve(LOCK) + "): wait for it to finish or choose another folder");
        }
        try {
            return openLocked(dir, header, identity, lock);
        } catch (RuntimeException | IOException e) {
            lock.close();
            throw e;
        }
    }

    private static SweepStore openLocked(Path dir, Path header, String identity, FileChannel lock) throws IOException {
        if (Files.exists(header)) {
            String stored = JSON.readTree(Files.readString(header)).path("identity").asText();
            if (!stored.equals(identity)) {
                throw new IllegalArgumentException(dir + " holds another sweep (" + stored + "); this one is ("
                        + identity + "): choose another output directory or delete it");
            }
        } else {
            ModelFiles.writeString(header, JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(Map.of("identity", identity)) + "\n");
        }
        SweepStore store = new SweepStore(dir.resolve("cells.jsonl"), lock);
        store.load();
        return store;
    }

    /** @param cells how many cells this run reads or computes, for the {@code [i/n]} of the log */
    void expect(int cells) {
        this.total = cells;
    }

    /**
     * The cell {@code (row, column)}: read back when stored, else computed by {@code compute}, stored at once and
     * logged.
     */
    Cell cell(String row, String column, java.util.function.Supplier<Cell> compute) {
        index++;
        Cell c = get(Cell.key(row, column));
        if (c != null) {
            reused++;
            log(c, true);
            return c;
        }
        c = compute.get();
        put(c);
        log(c, false);
        return c;
    }

    /** @return how many cells this run read back instead of computing */
    int reused() {
        return reused;
    }

    private void log(Cell c, boolean stored) {
        LOG.info(String.format(java.util.Locale.ROOT, "[%d/%d] %s %s%s: %.2f%s", index, total, c.row(), c.column(),
                c.resolvedAs().equals(c.column()) ? "" : " (" + c.resolvedAs() + ")", c.value(),
                stored ? " (stored, not recomputed)" : String.format(java.util.Locale.ROOT, " (%.1f s)", c.seconds())));
    }

    /** Releases the directory's lock. */
    @Override
    public void close() throws IOException {
        lockChannel.close();
    }

    private void load() throws IOException {
        if (!Files.exists(cells)) {
            return;
        }
        byte[] bytes = Files.readAllBytes(cells);
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        long goodBytes = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean complete = i < lines.size() - 1 || text.endsWith("\n");
            try {
                if (!complete) throw new IOException("no line end");
                Cell c = JSON.readValue(line, Cell.class);
                done.put(c.key(), c);
                goodBytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
            } catch (IOException e) {
                if (i < lines.size() - 1) {
                    throw new IllegalArgumentException(cells + " line " + (i + 1) + " is not a sweep cell ("
                            + e.getMessage() + "): the file is damaged; delete it to start the sweep again", e);
                }
                LOG.warn("{}: dropping an unfinished last line (the previous run was interrupted while writing it)",
                        cells);
                try (FileChannel ch = FileChannel.open(cells, StandardOpenOption.WRITE)) {
                    ch.truncate(goodBytes);
                }
            }
        }
    }

    /** @return the finished cell with this key, or null */
    Cell get(String key) {
        return done.get(key);
    }

    /** @return how many cells are stored */
    int size() {
        return done.size();
    }

    /** Stores a finished cell: one line appended and forced to disk before this returns. */
    void put(Cell cell) {
        try {
            byte[] line = (JSON.writeValueAsString(cell) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(cells, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) ch.write(buffer);
                ch.force(true);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cell " + cell.key() + " cannot be written as JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to " + cells, e);
        }
        done.put(cell.key(), cell);
    }
}
