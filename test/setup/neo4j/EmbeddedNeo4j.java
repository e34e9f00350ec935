import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Test-only Neo4j Community server, embedded.
 *
 * Usage: java [neo4j JVM flags] -cp classes:lib/* EmbeddedNeo4j HOME_DIR BOLT_PORT [--exit-on-stdin-eof]
 *
 * Contract:
 *  - HOME_DIR is created if missing and reused as-is (same dir = same data across restarts);
 *  - only Bolt listens, on 127.0.0.1:BOLT_PORT, unencrypted, auth disabled; HTTP/HTTPS are off;
 *  - hardened as the README tells operators (defence in depth under kg_cypher_read's guard):
 *    LOAD CSV may not read file URLs, only the procedures LLMOS calls are loaded
 *    (PROCEDURE_ALLOWLIST), and one transaction may hold at most TX_MEMORY_MAX of heap;
 *  - once the default database is available it prints "NEO4J_READY bolt://127.0.0.1:PORT" on stdout;
 *  - SIGTERM/SIGINT shut the management service down cleanly, then the JVM exits 0;
 *  - with --exit-on-stdin-eof, end of stdin (the parent died or closed the pipe) shuts down too;
 *  - a start failure prints the exception and exits 1.
 */
public final class EmbeddedNeo4j {
    /** dbms.security.procedures.allowlist: what the kg-neo4j store itself calls, plus the schema readers. */
    static final List<String> PROCEDURE_ALLOWLIST = List.of(
            "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
            "db.awaitIndexes", "db.index.fulltext.queryNodes", "db.ping");
    /** db.memory.transaction.max: far below the 512 MB heap the tests give the JVM. */
    static final long TX_MEMORY_MAX = ByteUnit.mebiBytes(128);

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--exit-on-stdin-eof"))) {
            System.err.println("usage: EmbeddedNeo4j HOME_DIR BOLT_PORT [--exit-on-stdin-eof]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long started = System.nanoTime();
        if (args.length == 3) {
            Thread watchdog = new Thread(() -> {
                try {
                    while (System.in.read() != -1) { /* discard */ }
                } catch (Exception ignored) {
                    // a broken pipe means the same as EOF
                }
                System.exit(0); // runs the shutdown hook
            }, "stdin-eof-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }

        DatabaseManagementService service;
        try {
            service = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    .setConfig(GraphDatabaseSettings.auth_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(64))
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                    .setConfig(GraphDatabaseSettings.procedure_allowlist, PROCEDURE_ALLOWLIST)
                    .setConfig(GraphDatabaseSettings.memory_transaction_max_size, TX_MEMORY_MAX)
                    // Bolt waits 2x5s for idle connections by default; tests stop/restart often.
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(200))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(200))
                    .build();
        } catch (Throwable t) {
            System.err.println("NEO4J_FAILED " + t);
            t.printStackTrace();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        if (!service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(120_000)) {
            System.err.println("NEO4J_FAILED default database not available after 120s");
            System.exit(1);
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.println("NEO4J_READY bolt://127.0.0.1:" + port + " (" + ms + " ms)");
        System.out.flush();
        stopped.await(); // parked until the shutdown hook has run
    }
}
