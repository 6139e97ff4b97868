package org.ocs4j.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outputs replace only regular files, never links, directories or devices, and get the user's usual permissions. */
class ModelFilesTest {

    @Test
    void onlyRegularFilesAreReplaced(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("real.txt");
        Files.writeString(target, "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.writeString(link, "new"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("keep me", Files.readString(target));

        Path folder = Files.createDirectory(dir.resolve("folder"));
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.writeString(folder, "new"));
        assertTrue(d.getMessage().contains("not a regular file"), d.getMessage());
        assertTrue(Files.isDirectory(folder));

        IllegalArgumentException dev = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.writeString(Path.of("/dev/null"), "new"));
        assertTrue(dev.getMessage().contains("not a regular file"), dev.getMessage());
        assertTrue(!Files.isRegularFile(Path.of("/dev/null")), "/dev/null is still a device");

        ModelFiles.writeString(target, "replaced");
        assertEquals("replaced", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void writtenFilesHaveTheUsersUsualPermissions(@TempDir Path dir) throws Exception {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path ours = dir.resolve("ours.json");
        ModelFiles.writeString(ours, "{}");
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(ours)), "same as any file created here");
    }

    @Test
    void anUnwritablePlaceIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> ModelFiles.writeString(file.resolve("below-a-file.json"), "{}"));
        assertTrue(e.getMessage().contains("below-a-file.json"), e.getMessage());
    }
}
