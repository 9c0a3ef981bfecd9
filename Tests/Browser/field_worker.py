"""A grid worker on /field in headless Chromium, and a commander's /map open beside it.

Usage: field_worker.py BASE TOKEN LON LAT   (a point inside the worker's grid)

The worker signs in, sees the grid, registers a hazard with a photo (a real JPEG through
the page's file input), moves it to rectifying and closes it with a note; then goes
offline (DevTools network emulation), registers two hazards, comes back online and the
page sends them. Meanwhile a second browser shows /map at the point: it must see the new
hazard's tile change through /events (the tile's pixels turn the hazard's colour) without
reloading. Prints one JSON object of what it saw; the Swift test checks the server.

The photo is a 32x24 JPEG made for this test by Pillow (no third-party content)."""
import base64
import json
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mapdriver import open_map

BASE, TOKEN, LON, LAT = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAYACADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD0GiuD/wCFg/8AUM/8mP8A7Gj/AIWD/wBQz/yY/wDsa/NP7MxX8v4r/M/QvqtXt+R3lFcH/wALB/6hn/kx/wDY0f8ACwf+oZ/5Mf8A2NH9mYr+X8V/mH1Wr2/I4OiiivrD2AooooA//9k=")

result = {}


def phone():
    options = Options()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=412,915"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.set_page_load_timeout(60)
    return driver


def wait(driver, script, seconds=60):
    return WebDriverWait(driver, seconds, poll_frequency=0.2).until(lambda d: d.execute_script(script))


def pending(driver):
    return int(driver.find_element(By.ID, "pending").get_attribute("data-count") or "0")


# The commander's map at the point, zoomed in far enough for hazard symbols.
watcher = open_map(BASE)
worker = None
try:
    watcher.execute_script("window.__notReloaded = true; map.setView([arguments[1], arguments[0]], 16);", LON, LAT)
    wait(watcher, "return document.documentElement.dataset.liveState === 'open'")
    # The tile under the point, and the colour of the pixel there before anything is reported.
    pixel_script = """
        const [lon, lat, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
        const z = map.getZoom(), p = map.project([lat, lon], z);
        const x = Math.floor(p.x / 256), y = Math.floor(p.y / 256);
        const tile = riskTiles._tiles[`${x}:${y}:${z}`];
        if (!tile) { done(null); return; }
        const read = () => {
          const c = document.createElement('canvas'); c.width = 256; c.height = 256;
          const g = c.getContext('2d'); g.drawImage(tile.el, 0, 0);
          const d = g.getImageData(Math.floor(p.x - x * 256), Math.floor(p.y - y * 256), 1, 1).data;
          done({src: tile.el.src, rgb: [d[0], d[1], d[2]]});
        };
        if (tile.el.complete && tile.el.naturalWidth > 0) read(); else tile.el.addEventListener('load', read, {once: true});
    """
    WebDriverWait(watcher, 60).until(lambda d: d.execute_async_script(pixel_script, LON, LAT) is not None)
    before = watcher.execute_async_script(pixel_script, LON, LAT)
    result["tile_before"] = before

    worker = phone()
    worker.get(BASE + "/field")
    wait(worker, "return document.getElementById('signin') !== null")
    worker.find_element(By.ID, "token").send_keys(TOKEN)
    worker.find_element(By.ID, "signin-go").click()
    wait(worker, "return !document.getElementById('work').hidden")
    result["who"] = worker.find_element(By.ID, "who").text
    result["grid_info"] = worker.find_element(By.ID, "grid-info").text
    result["grid_drawn"] = worker.execute_script("return gridLayer !== null && gridLayer.getLayers().length")
    result["token_kept"] = worker.execute_script("return localStorage.getItem('onemap.field.token') === arguments[0]", TOKEN)

    # A tapped point (the map's click, as a tap gives it), then a hazard with a photo.
    worker.find_element(By.ID, "pick").click()
    worker.execute_script("fmap.fire('click', {latlng: L.latLng(arguments[1], arguments[0])})", LON, LAT)
    worker.find_element(By.ID, "h-name").send_keys("巡查发现 field check A")
    worker.execute_script("document.getElementById('h-level').value = '1'")
    photo = os.path.join(tempfile.mkdtemp(), "photo.jpg")
    with open(photo, "wb") as f:
        f.write(JPEG)
    worker.find_element(By.ID, "h-photos").send_keys(photo)
    worker.find_element(By.ID, "h-register").click()
    wait(worker, "return /registered H-/.test(document.getElementById('h-message').textContent)")
    first = worker.find_element(By.ID, "h-message").text.split("registered ")[1].strip()
    result["registered"] = first
    result["pending_after_register"] = pending(worker)

    # The commander's map: the tile under the point changes through /events, no reload.
    def changed(d):
        now = d.execute_async_script(pixel_script, LON, LAT)
        return now if now and now["src"] != before["src"] and now["rgb"] != before["rgb"] else False
    after = WebDriverWait(watcher, 60, poll_frequency=0.5).until(changed)
    result["tile_after"] = after
    result["watcher_not_reloaded"] = watcher.execute_script("return window.__notReloaded === true")
    result["watcher_banner"] = watcher.execute_script("return document.getElementById('live-banner').textContent")

    # Its detail: the photo shows (decoded by the browser), then rectifying, then closed.
    worker.execute_script("showDetail(arguments[0])", first)
    wait(worker, "return document.querySelectorAll('#detail-media img').length === 1 && document.querySelector('#detail-media img').complete")
    result["photo_width"] = worker.execute_script("return document.querySelector('#detail-media img').naturalWidth")
    worker.find_element(By.ID, "step-rectifying").click()
    wait(worker, "return /rectifying/.test(document.getElementById('detail-body').textContent) && !document.getElementById('step-closed').disabled")
    worker.find_element(By.ID, "close-note").send_keys("已整改 fixed")
    worker.find_element(By.ID, "step-closed").click()
    wait(worker, "return /closed/.test(document.getElementById('detail-body').textContent)")
    result["closed_shown"] = True

    # The live banner (what changed, shown for eight seconds over the bottom of the page)
    # never takes a tap meant for the form under it: it once covered "Register".
    result["banner_tap"] = worker.execute_script("""
        const banner = document.getElementById('live-banner'), button = document.getElementById('h-register');
        banner.textContent = 'a hazard changed'; banner.style.display = '';
        button.scrollIntoView({block: 'end'});
        const r = button.getBoundingClientRect(), b = banner.getBoundingClientRect();
        const covered = !(b.bottom <= r.top || b.top >= r.bottom || b.right <= r.left || b.left >= r.right);
        // A tap in the middle of where the two overlap.
        const hit = document.elementFromPoint(r.left + r.width / 2, (Math.max(r.top, b.top) + Math.min(r.bottom, b.bottom)) / 2);
        banner.style.display = 'none';
        return {covered: covered, hit: hit ? hit.id : null};""")

    # Offline: two reports wait on the phone, then go when the connection returns.
    worker.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    worker.execute_script("window.dispatchEvent(new Event('offline'))")
    for name in ["离线一 offline one", "离线二 offline two"]:
        field = worker.find_element(By.ID, "h-name")
        field.clear()
        field.send_keys(name)
        worker.find_element(By.ID, "h-register").click()
        time.sleep(0.5)
    wait(worker, "return Number(document.getElementById('pending').dataset.count) === 2", 30)
    result["pending_offline"] = pending(worker)
    result["net_offline"] = worker.find_element(By.ID, "net").text
    time.sleep(1)
    worker.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
    worker.execute_script("window.dispatchEvent(new Event('online'))")
    wait(worker, "return Number(document.getElementById('pending').dataset.count) === 0", 60)
    result["pending_online"] = pending(worker)
    result["refused"] = worker.execute_script("return [...document.querySelectorAll('#queue-list li.refused')].map(li => li.textContent)")
    result["console_errors"] = [e["message"] for e in worker.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]
                                and "ERR_INTERNET_DISCONNECTED" not in e["message"] and "/events" not in e["message"]]
finally:
    watcher.quit()
    if worker:
        worker.quit()
print(json.dumps(result, ensure_ascii=False))
