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
 * reopening; a directory holding another sweep is refused.
 */
final class SweepStore {

    private static final Logger LOG = LoggerFactory.getLogger(SweepStore.class);
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path cells;
    private final Map<String, Cell> done = new LinkedHashMap<>();

    private SweepStore(Path cells) {
        this.cells = cells;
    }

    /**
     * Opens (or starts) the store in {@code dir}.
     *
     * @param identity what the sweep is; a directory made for another identity is refused
     */
    static SweepStore open(Path dir, String identity) throws IOException {
        Files.createDirectories(dir);
        Path header = dir.resolve("sweep.json");
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
        SweepStore store = new SweepStore(dir.resolve("cells.jsonl"));
        store.load();
        return store;
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
