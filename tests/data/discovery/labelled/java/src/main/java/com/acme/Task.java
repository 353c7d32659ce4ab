package com.acme;

import java.util.concurrent.Executors;

/** A unit of work for an Agent; nothing to do with AI agents. */
public record Task(String name, String model) {
    static void runAll(Iterable<Task> tasks) {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            tasks.forEach(t -> pool.submit(() -> System.out.println(t.name())));
        }
    }
}
