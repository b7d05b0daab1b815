package io.headroom.app.commerce;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.app.AppTest;
import io.headroom.jobs.DeadJob;
import io.headroom.jobs.JobQueue;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The operator dashboard and the slow-request explorer in a real headless browser (Debian's chromium through its
 * chromedriver): the page loads without console errors, its charts draw live samples, the replay button moves a
 * dead job back to pending, and the explorer lists requests and opens their traces.
 */
@AppTest
@TestPropertySource(properties = "headroom.dashboard.sample-interval=500ms")
class DashboardBrowserTest extends CommerceTestSupport {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("HEADROOM_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("HEADROOM_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final List<String> CHARTS = List.of("traffic", "latency", "limit", "admitted", "shed", "depth", "age", "dead", "pending");

    @Autowired
    JobQueue queue;

    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && System.getenv("CI") == null) {
            Assumptions.abort("no " + CHROMIUM + " / " + DRIVER + ": install Debian's chromium and chromium-driver (./headroom test does as root)");
        }
        assertThat(present).as("CI needs chromium and chromedriver; ./headroom test installs them").isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // No background networking: this machine has no network, and chromium's attempts would be refused at every start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1600",
                "--user-data-dir=" + Files.createTempDirectory("headroom-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theDashboardDrawsLiveDataAndItsReplayButtonRevivesADeadJob() throws Exception {
        Tenant shop = tenant("Dashboard Shop");
        long product = product(shop, "lamp", 4500, 50);
        for (int i = 0; i < 10; i++) {
            call("GET", "/v1/products/" + product, shop.key(), null);
        }
        long paidOrder = placeOrder(shop, order(product, 1, "4242424242424242")).json().get("id").asLong();
        awaitOrder(shop, paidOrder, status("PAID"));
        providers("PUT", "/faults/payments", "{\"errorRate\":1.0,\"errorStatuses\":[503]}");
        long stuckOrder = placeOrder(shop, order(product, 1, "4242424242424242")).json().get("id").asLong();
        awaitOrder(shop, stuckOrder, status("PAYMENT_STUCK"));
        providers("DELETE", "/faults/payments", null);
        // The handler marks the order stuck on the job's last attempt, before the worker commits the dead-lettering.
        waitFor("the stuck order's charge job in the dead-letter queue", () -> {
            try {
                return !queue.deadJobs("payments", 10).isEmpty();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("could not read the dead-letter queue", e);
            }
        });
        List<DeadJob> deadJobs = queue.deadJobs("payments", 10);
        assertThat(deadJobs).as("the stuck order's charge job, and no other").hasSize(1);
        DeadJob dead = deadJobs.getFirst();

        browser.get("http://127.0.0.1:" + port + "/");
        browser.findElement(By.id("key-input")).sendKeys(OPERATOR_KEY);
        browser.findElement(By.cssSelector("#key-form button")).click();

        waitFor("the traffic chart to hold samples with requests in them", () -> {
            WebElement traffic = browser.findElement(By.cssSelector("[data-chart=traffic]"));
            return number(traffic.getDomAttribute("data-points")) >= 2 && number(traffic.getDomAttribute("data-max")) > 0;
        });
        for (String chart : CHARTS) {
            assertThat(browser.findElements(By.cssSelector("[data-chart=" + chart + "] .uplot canvas"))).as(chart + " is drawn").hasSize(1);
        }
        screenshot("dashboard");
        assertThat(browser.findElement(By.id("mode")).getText()).isEqualTo("hardened");
        assertThat(browser.findElement(By.id("tenants")).getText()).contains(shop.id());
        assertThat(browser.findElement(By.id("slos")).getText()).contains("checkout");

        By row = By.cssSelector("#dead-jobs tr[data-job='" + dead.id() + "']");
        waitFor("the dead job to be listed", () -> !browser.findElements(row).isEmpty());
        browser.findElement(row).findElement(By.cssSelector("button.replay")).click();
        waitFor("the replay to be confirmed", () -> browser.findElement(By.id("replay-status")).getText().contains("is pending again"));
        assertThat(queue.deadJobs("payments", 10)).noneMatch(d -> d.id() == dead.id());
        assertThat(awaitOrder(shop, stuckOrder, status("PAID")).get("status").asString()).isEqualTo("PAID");
        waitFor("the replayed job to leave the list", () -> browser.findElements(row).isEmpty());

        browser.get("http://127.0.0.1:" + port + "/slow.html");
        waitFor("the explorer to list requests", () -> !browser.findElements(By.cssSelector("#slow tr[data-trace]")).isEmpty());
        browser.findElement(By.cssSelector("#slow tr[data-trace] a")).click();
        waitFor("the trace's spans to be shown", () -> browser.findElements(By.cssSelector("#trace tr")).size() >= 2);
        assertThat(browser.findElement(By.id("trace")).getText()).contains("http");
        screenshot("slow-requests");

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("console errors").isEmpty();
    }

    /** For a person to look at what the test saw: target/screenshots/NAME.png. */
    private void screenshot(String name) throws java.io.IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    private static double number(String attribute) {
        return attribute == null ? -1 : Double.parseDouble(attribute);
    }

    private void waitFor(String what, Supplier<Boolean> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException notYet) {
                // The page redraws its tables on every poll; look again.
            }
            if (Instant.now().isAfter(deadline)) {
                String page = (String) ((JavascriptExecutor) browser).executeScript("return document.body.innerText");
                throw new AssertionError("timed out after 20 s waiting for " + what + "; the page shows:\n" + page);
            }
            Thread.sleep(100);
        }
    }
}
