"""explore_browser.py — explore(1)'s page in headless Chromium (Debian's chromium
and chromium-driver, driven by python3-selenium), checked against the database.

  explore_browser.py full URL DB SCREENSHOT    the page of a complete database
  explore_browser.py bare URL DB SCREENSHOT    a database without maps/neighbours
  explore_browser.py sample URL DB SCREENSHOT MAX [served]
                                               a sample of MAX songs
  explore_browser.py count URL DB SCREENSHOT   points drawn, redraw time
  explore_browser.py probe                     exit 0 when Chromium starts, else
                                               77 with the reason on stdout

'full' checks: no console errors; points drawn = songs; the hover text of a known
song (its hostile title shown as text, nothing injected); clicking it lists
exactly the neighbours stored for it, in rank order; switching the colouring
changes the canvas; a song without its audio file shows that, without a player,
and one with its file gets a player of its relative URL; keyboard: arrows move
the selection, the search box finds a song and Enter opens it.  Prints one line
per check and exits 1 on the first failure.
"""
import json
import sqlite3
import sys
import time

SKIP = 77


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,1100", "--allow-file-access-from-files",
              "--autoplay-policy=no-user-gesture-required"):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (": " + detail if detail and not cond else ""))
    if not cond:
        raise SystemExit(1)


def console_errors(d):
    return [e for e in d.get_log("browser") if e["level"] == "SEVERE"]


def load(d, url):
    t = time.time()
    d.get(url)
    for _ in range(300):
        if d.execute_script("return document.body && document.body.dataset.ready === '1'"):
            break
        time.sleep(0.05)
    return time.time() - t


def js(d, expr, *args):
    return d.execute_script("return " + expr, *args)


def point(d, sid):
    """move the mouse to song sid's point (offsets from the canvas centre)"""
    from selenium.webdriver.common.action_chains import ActionChains
    xy = js(d, "window.songvecExplorer.screenOf(arguments[0])", sid)
    cv = d.find_element("id", "map")
    r = js(d, "arguments[0].getBoundingClientRect().toJSON()", cv)
    dx = xy[0] - (r["left"] + r["width"] / 2)
    dy = xy[1] - (r["top"] + r["height"] / 2)
    ActionChains(d).move_to_element_with_offset(cv, int(round(dx)), int(round(dy))).perform()
    return cv


def click_song(d, sid):
    """click song sid's point where it is drawn"""
    from selenium.webdriver.common.action_chains import ActionChains
    point(d, sid)
    ActionChains(d).click().perform()
    time.sleep(0.2)


def known_song(db):
    """the hostile-titled song s00000, its artist, k-means cluster and neighbours"""
    c = sqlite3.connect(db)
    name, artist = c.execute("SELECT song_name, artist_name FROM songs WHERE song_id = 's00000'").fetchone()
    (cl,) = c.execute("SELECT kmeans_cluster_id FROM song_clusters WHERE song_id = 's00000' "
                      "AND algorithm = 'kmeans'").fetchone()
    metric = c.execute("SELECT metric FROM song_neighbors GROUP BY metric "
                       "ORDER BY metric <> 'cosine', metric LIMIT 1").fetchone()[0]
    nb = [r[0] for r in c.execute("SELECT neighbor_id FROM song_neighbors WHERE song_id = "
                                  "'s00000' AND metric = ? ORDER BY rank", (metric,))]
    return name, artist, cl, nb


def check_hover_click(d, db):
    name, artist, cl, nb = known_song(db)
    point(d, "s00000")
    time.sleep(0.2)
    hover = d.find_element("id", "hover").text
    check("hover text of s00000: title as text, artist, k-means cluster",
          name in hover and artist in hover and ("k-means: cluster %d" % cl) in hover, repr(hover))
    check("hostile title not interpreted", js(d, "document.querySelectorAll('img, b').length") == 0)
    click_song(d, "s00000")
    got = js(d, "[...document.querySelectorAll('#neighbors li')].map(l => l.dataset.id)")
    check("click lists exactly the stored neighbours (%d)" % len(nb), got == nb, "%s != %s" % (got, nb))
    check("selected title shown as text", d.find_element("id", "song-title").text == name)


def check_colour_switch(d):
    from selenium.webdriver.support.ui import Select
    before = js(d, "document.getElementById('map').toDataURL()")
    sel = Select(d.find_element("id", "colour"))
    names = [o.text for o in sel.options]
    check("colourings offered", "k-means" in names and "genre" in names and "MusiCNN tag" in names, str(names))
    sel.select_by_visible_text("genre")
    time.sleep(0.2)
    after = js(d, "document.getElementById('map').toDataURL()")
    check("colour switch changes the canvas", before != after)
    sel.select_by_visible_text("MusiCNN tag")
    time.sleep(0.2)
    check("tag colouring changes it again", js(d, "document.getElementById('map').toDataURL()") != after)
    sel.select_by_visible_text("k-means")


def check_audio(d):
    click_song(d, "s00002")
    check("missing audio file shown, no player",
          js(d, "!document.querySelector('#player audio') && "
                "document.querySelector('#player .missing') !== null"))
    click_song(d, "s00003")
    src = js(d, "document.querySelector('#player audio') && "
                "document.querySelector('#player audio').getAttribute('src')")
    check("player of an existing file, relative URL", bool(src) and src.endswith("s00003.wav")
          and not src.startswith("/") and "://" not in src, str(src))


def check_keyboard(d):
    from selenium.webdriver.common.keys import Keys
    cv = d.find_element("id", "map")
    cv.send_keys(Keys.ESCAPE)
    cv.send_keys(Keys.ARROW_RIGHT)
    a = js(d, "window.songvecExplorer.selected")
    cv.send_keys(Keys.ARROW_RIGHT)
    b = js(d, "window.songvecExplorer.selected")
    check("arrow keys select songs on the map", a >= 0 and b >= 0 and a != b, "%s %s" % (a, b))
    s = d.find_element("id", "search")
    s.click()
    s.send_keys("Café")
    time.sleep(0.2)
    s.send_keys(Keys.ENTER)
    time.sleep(0.2)
    check("search box + Enter opens the song",
          d.find_element("id", "song-title").text.startswith("Café"),
          d.find_element("id", "song-title").text)


def session(url, shot, checks):
    """open url in a fresh browser, run checks(d, seconds the page took to be
    ready), then take the screenshot and check the console"""
    d = browser()
    try:
        checks(d, load(d, url))
        d.save_screenshot(shot)
        errs = console_errors(d)
        check("no console errors", not errs, json.dumps(errs))
    finally:
        d.quit()


def full(url, db, shot):
    def checks(d, t):
        n = sqlite3.connect(db).execute("SELECT count(*) FROM songs").fetchone()[0]
        drawn = int(d.find_element("id", "map").get_attribute("data-drawn"))
        check("points drawn = songs (%d), loaded in %.1f s" % (n, t), drawn == n, "%d drawn" % drawn)
        check("elbow curve drawn", d.find_element("id", "elbow").get_attribute("data-points") == "9")
        check("cluster summaries", js(d, "document.querySelectorAll('#clustertable tr').length") == 5)
        check_hover_click(d, db)
        check_colour_switch(d)
        check_audio(d)
        check_keyboard(d)

    session(url, shot, checks)


def bare(url, db, shot):
    """no map stored: the computed PCA is drawn, labelled, with the hint to store one"""
    def checks(d, _t):
        n = sqlite3.connect(db).execute("SELECT count(*) FROM songs").fetchone()[0]
        mh = d.find_element("id", "maphint")
        nh = d.find_element("id", "nbhint")
        label = js(d, "document.getElementById('mapsel').selectedOptions[0].textContent")
        check("map labelled as computed", label == "PCA (computed, not stored)", label)
        check("page says how to store a map", mh.is_displayed() and "computed" in mh.text
              and "map -M umap" in mh.text and "dbload" in mh.text and "projections" in mh.text, mh.text)
        check("page says what to run for neighbours", nh.is_displayed() and "export | knn -k 10 | dbload"
              in nh.text and "neighbors" in nh.text, nh.text)
        drawn = int(d.find_element("id", "map").get_attribute("data-drawn"))
        check("computed map: points drawn = songs (%d)" % n, drawn == n, "%d drawn" % drawn)

    session(url, shot, checks)


def outside(d, db):
    """a song of db that the page does not hold, its name and stored neighbours"""
    held = set(js(d, "JSON.parse(document.getElementById('songvec-data').textContent).data.songs.id"))
    c = sqlite3.connect(db)
    sid, name = next(r for r in c.execute("SELECT song_id, song_name FROM songs ORDER BY song_id "
                                          "LIMIT -1 OFFSET 3") if r[0] not in held)
    nb = [r[0] for r in c.execute("SELECT neighbor_id FROM song_neighbors WHERE song_id = ? "
                                  "AND metric = 'cosine' ORDER BY rank", (sid,))]
    return sid, name, nb


def check_remote(d, db):
    """served: search finds a song outside the sample through /songs, Enter opens it
    with its stored neighbours from /neighbors"""
    from selenium.webdriver.common.keys import Keys
    sid, name, nb = outside(d, db)
    s = d.find_element("id", "search")
    s.click()
    s.send_keys(sid)
    for _ in range(100):
        if "(not drawn)" in " ".join(js(d, "[...document.querySelectorAll('#results li')].map(l => l.textContent)")):
            break
        time.sleep(0.05)
    res = js(d, "[...document.querySelectorAll('#results li')].map(l => l.textContent)")
    check("search reaches a song outside the sample", any(r.startswith(name) and "(not drawn)" in r
                                                           for r in res), res)
    s.send_keys(Keys.ENTER)
    for _ in range(100):
        if js(d, "document.querySelectorAll('#neighbors li').length") == len(nb):
            break
        time.sleep(0.05)
    check("its title shown", d.find_element("id", "song-title").text == name,
          d.find_element("id", "song-title").text)
    got = js(d, "[...document.querySelectorAll('#neighbors li')].map(l => l.dataset.id)")
    check("its stored neighbours listed (%d)" % len(nb), got == nb, "%s != %s" % (got, nb))


def sample(url, db, shot, mx, served=False):
    def checks(d, t):
        n = sqlite3.connect(db).execute("SELECT count(*) FROM songs").fetchone()[0]
        drawn = int(d.find_element("id", "map").get_attribute("data-drawn"))
        check("points drawn = the sample (%d), loaded in %.1f s" % (mx, t), drawn == mx, "%d drawn" % drawn)
        text = d.find_element("id", "count").text
        check("page says 'showing %d of %d songs'" % (mx, n), ("showing %d of %d songs" % (mx, n)) in text, text)
        if served:
            check_remote(d, db)

    session(url, shot, checks)


def count(url, db, shot):
    def checks(d, t):
        n = sqlite3.connect(db).execute("SELECT count(*) FROM songs").fetchone()[0]
        drawn = int(d.find_element("id", "map").get_attribute("data-drawn"))
        check("points drawn = songs (%d), page ready in %.1f s" % (n, t), drawn == n, "%d drawn" % drawn)
        t = time.time()
        for k in range(20):
            d.execute_script("window.dispatchEvent(new Event('resize'))")
        ms = (time.time() - t) / 20 * 1000
        check("a redraw of %d points takes %.0f ms (< 250)" % (n, ms), ms < 250)

    session(url, shot, checks)


def probe():
    try:
        d = browser()
        d.get("data:text/html,<p>ok")
        d.quit()
    except Exception as e:  # any failure to start the browser is a reason to skip
        print(str(e).splitlines()[0] if str(e) else type(e).__name__)
        raise SystemExit(SKIP)


if __name__ == "__main__":
    if sys.argv[1] == "probe":
        probe()
    elif sys.argv[1] == "full":
        full(*sys.argv[2:5])
    elif sys.argv[1] == "count":
        count(*sys.argv[2:5])
    elif sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), len(sys.argv) > 6)
    else:
        bare(*sys.argv[2:5])
